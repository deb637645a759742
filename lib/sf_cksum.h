/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_CKSUM_H
#define SF_CKSUM_H

/*
 * Internet checksum helpers that DPDK's rte_ip.h does not provide: an
 * incremental update (RFC 1624) and the IPv6 pseudo-header for an upper
 * layer whose length is not the IPv6 payload length (extension headers).
 * Private header.
 */

#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

/* Fold a 32-bit one's complement sum into 16 bits. */
static inline uint16_t
sf_cksum_fold(uint32_t sum)
{
	sum = (sum >> 16) + (sum & 0xffff);
	sum += sum >> 16;
	return (uint16_t)sum;
}

/*
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'). All three values as stored in
 * the packet (the one's complement sum does not care about byte order as
 * long as every operand uses the same one). Unlike eqn. 2 it never yields
 * 0x0000 for a non-zero sum, so an updated ICMP checksum stays valid.
 */
static inline uint16_t
sf_cksum_adjust(uint16_t cksum, uint16_t old_word, uint16_t new_word)
{
	uint32_t sum;

	sum = (uint16_t)~cksum;
	sum += (uint16_t)~old_word;
	sum += new_word;
	return (uint16_t)~sf_cksum_fold(sum);
}

/*
 * Unfolded sum of the IPv6 pseudo-header (RFC 8200 8.1) for an upper-layer
 * packet of l4_len bytes with protocol proto.
 */
static inline uint32_t
sf_ip6_pseudo_sum(const struct rte_ipv6_hdr *ip6, uint32_t l4_len,
		uint8_t proto)
{
	uint32_t sum;

	sum = rte_raw_cksum(ip6->src_addr, 32);
	sum += rte_cpu_to_be_32(l4_len) >> 16;
	sum += rte_cpu_to_be_32(l4_len) & 0xffff;
	sum += rte_cpu_to_be_16((uint16_t)proto);
	return sum;
}

/*
 * Checksum to store in an IPv6 upper-layer header whose checksum field is
 * zero, or true-when-valid check: a received packet verifies when
 * sf_ip6_l4_cksum() over it (checksum field included) returns 0.
 */
static inline uint16_t
sf_ip6_l4_cksum(const struct rte_ipv6_hdr *ip6, const void *l4,
		uint32_t l4_len, uint8_t proto)
{
	uint32_t sum;

	sum = sf_ip6_pseudo_sum(ip6, l4_len, proto);
	sum += rte_raw_cksum(l4, l4_len);
	return (uint16_t)~sf_cksum_fold(sum);
}

#endif /* SF_CKSUM_H */
