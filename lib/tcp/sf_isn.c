/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * Initial sequence numbers as RFC 6528 3 defines them:
 *
 *   "ISN = M + F(localip, localport, remoteip, remoteport, secretkey)
 *    where M is the 4 microsecond timer, and F() is a pseudorandom
 *    function (PRF) of the connection-id. F() MUST NOT be computable from
 *    the outside, or an attacker could still guess at sequence numbers
 *    from the ISN used for some other connection."
 *
 * F() is SipHash-2-4 keyed with 128 random bits drawn at engine creation
 * (Linux uses SipHash too, with a 64 ns clock; we keep the RFC's 4 us).
 * Timestamp offsets (RFC 7323 5.4 / 7.1: randomise the TSval start per
 * connection so TSval leaks no uptime) come from the same PRF output:
 * F() is 64 bits wide, the ISN takes its low half and the offset its high
 * half. The halves of a PRF's output are independent PRFs, so seeing one
 * tells nothing of the other, and a SYN costs one SipHash, not two.
 */

#include <assert.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_reciprocal.h>

#include "sf_tcp_pvt.h"

/* The bytes of the key that name an IPv6 connection: ends, ports, family. */
#define SF_FLOW_ID_LEN offsetof(struct sf_flow_key, fk_pad)

uint64_t
sf_flow_prf(const struct sf_siphash_key *key, const struct sf_flow_key *k)
{
	uint64_t m0;
	uint32_t ports;

	if (k->fk_family != AF_INET)
		return sf_siphash(key, k, SF_FLOW_ID_LEN);
	/*
	 * IPv4 hashes its 12 bytes, not the key's zero-padded 37: eight
	 * SipHash rounds instead of fourteen. The lengths differ, which
	 * SipHash mixes in, so an IPv4 and an IPv6 message cannot collide.
	 * The 12 bytes (peer address, ours, the two ports) go in as words.
	 */
	static_assert(offsetof(struct sf_flow_key, fk_lport) ==
		offsetof(struct sf_flow_key, fk_rport) + 2,
		"the two ports are copied as one word");
	memcpy(&ports, &k->fk_rport, 4);   /* rport, lport */
	m0 = sf_siphash_pair(k->fk_raddr[0], k->fk_laddr[0]);
	return sf_siphash_words(key, &m0, 1,
		sf_siphash_pair(ports, 0) | (uint64_t)12 << 56);
}

uint32_t
sf_isn(uint64_t f, uint64_t tsc)
{
	/* tsc / (TSC per 4 us) by a multiply and shifts, not a division. */
	static struct rte_reciprocal_u64 per_4us;
	static bool init;
	uint64_t m;

	if (unlikely(!init)) {
		per_4us = rte_reciprocal_value_u64(RTE_MAX(
			rte_get_tsc_hz() / 250000, (uint64_t)1));
		init = true;
	}
	m = rte_reciprocal_divide_u64(tsc, &per_4us);
	return (uint32_t)m + (uint32_t)f;
}
