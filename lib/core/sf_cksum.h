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
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

/*
 * Fold a 32-bit one's complement sum into 16 bits. Adding the sum to
 * itself rotated by 16 bits adds the two halves in the top half, with
 * the low halves' carry landing there as the end-around carry: a
 * rotate, an add and a shift.
 */
static inline uint16_t
sf_cksum_fold(uint32_t sum)
{
	sum += (sum >> 16) | (sum << 16);
	return (uint16_t)(sum >> 16);
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

/* a + b with the carry out of bit 63 added back in (add, adc). */
static inline uint64_t
sf_cksum_add64(uint64_t a, uint64_t b)
{
	a += b;
	return a + (a < b);
}

/*
 * The one's complement sum of nw 64-bit words at p added to sum (any
 * value), unfolded. On x86-64 one add-with-carry chain, as BSD's and
 * Linux's in_cksum do: one adc a word (four to a loop turn when there
 * are four or more), the carry going on from word to word instead of
 * being tested and added back each time, then added in once at the end
 * of each loop. C cannot say "add with the carry of the last add" (GCC
 * 12 has no __builtin_addcll); elsewhere the C loop below does the same
 * sum with a compare and an add a word. asm inline: the inliner counts
 * it as small (it would count its lines as instructions, and give up
 * inlining elsewhere on the hot path).
 *
 * Why one final adc $0 is enough: an adc ends with the value 2^64 - 1
 * and the carry set only if it began so (both operands 2^64 - 1 and a
 * carry in), and no chain begins so (each begins with the carry clear),
 * so adding the last carry back never carries again.
 */
static inline uint64_t
sf_cksum_words(const uint8_t *p, uint32_t nw, uint64_t sum)
{
#if defined(__x86_64__) && defined(__GNUC__)
	uint64_t n1 = nw & 3, n4 = nw >> 2;

	__asm__ __inline__ (
		"test %[n1], %[n1]\n\t"      /* clears the carry */
		"jz 2f\n"
		"1:\n\t"
		"adcq (%[p]), %[s]\n\t"
		"leaq 8(%[p]), %[p]\n\t"    /* lea, dec: the carry stays */
		"decq %[n1]\n\t"
		"jnz 1b\n\t"
		"adcq $0, %[s]\n"
		"2:\n\t"
		"test %[n4], %[n4]\n\t"
		"jz 4f\n"
		"3:\n\t"
		"adcq (%[p]), %[s]\n\t"
		"adcq 8(%[p]), %[s]\n\t"
		"adcq 16(%[p]), %[s]\n\t"
		"adcq 24(%[p]), %[s]\n\t"
		"leaq 32(%[p]), %[p]\n\t"
		"decq %[n4]\n\t"
		"jnz 3b\n\t"
		"adcq $0, %[s]\n"
		"4:"
		: [s] "+r" (sum), [p] "+r" (p), [n1] "+r" (n1),
		  [n4] "+r" (n4)
		:
		/*
		 * It reads memory the operands do not name (clang takes
		 * no "m" of an array of unknown size): what was stored
		 * there before must be there when it runs.
		 */
		: "cc", "memory");
	return sum;
#else
	uint64_t w;

	for (; nw != 0; nw--, p += 8) {
		memcpy(&w, p, 8);
		sum = sf_cksum_add64(sum, w);
	}
	return sum;
#endif
}

/*
 * One's complement sum of len bytes, partly folded: 64-bit words added
 * with their carries (sf_cksum_words()), folded to 33 bits, so that
 * callers can add more into it without overflow. 2^16 = 1 modulo 0xffff,
 * so any grouping of the bytes into little-endian words at even offsets
 * gives the same sum as rte_raw_cksum(). An odd last byte is the low
 * byte of its 16-bit word, as on a little-endian host rte_raw_cksum()
 * takes it. base (below 2^34: a pseudo-header's sum) is added in.
 */
static inline uint64_t
sf_cksum_acc_from(const void *buf, uint32_t len, uint64_t base)
{
	const uint8_t *p = (const uint8_t *)buf;
	uint64_t sum, w;
	uint32_t v;
	uint16_t h;

	sum = sf_cksum_words(p, len >> 3, base);
	if (len & 7) {
		/* The tail: at most 7 bytes, into one word below 2^33. */
		p += len & ~7u;
		len &= 7;
		w = 0;
		if (len >= 4) {
			memcpy(&v, p, 4);
			w = v;
			p += 4;
			len -= 4;
		}
		if (len >= 2) {
			memcpy(&h, p, 2);
			w += h;
			p += 2;
			len -= 2;
		}
		if (len != 0)
			w += rte_be_to_cpu_16((uint16_t)(*p << 8));
		sum = sf_cksum_add64(sum, w);
	}
	return (sum & 0xffffffff) + (sum >> 32);
}

static inline uint64_t
sf_cksum_acc(const void *buf, uint32_t len)
{
	return sf_cksum_acc_from(buf, len, 0);
}

/* Fold a 64-bit accumulator into 16 bits (end-around carries). */
static inline uint16_t
sf_cksum_fold64(uint64_t sum)
{
	uint32_t lo = (uint32_t)sum, hi = (uint32_t)(sum >> 32);

	lo += hi;
	lo += lo < hi;     /* the carry out of bit 31 back in: add, adc */
	return sf_cksum_fold(lo);
}

/*
 * The unfolded one's complement sum of len bytes of the chain m from off:
 * sf_cksum_acc() over each segment's part (about a third of
 * rte_raw_cksum_mbuf()'s instructions on a full-sized segment). A part
 * that starts at an odd offset of the sum is summed byte-swapped (RFC
 * 1071 2(B)). Returns false when the chain holds fewer bytes.
 */
static inline bool
sf_cksum_chain(const struct rte_mbuf *m, uint32_t off, uint32_t len,
		uint64_t *sum)
{
	uint32_t done = 0, n;
	uint64_t part;
	uint16_t f;

	*sum = 0;
	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	for (; m != NULL && done < len; m = m->next, off = 0) {
		n = RTE_MIN(len - done, (uint32_t)m->data_len - off);
		part = sf_cksum_acc(rte_pktmbuf_mtod_offset(m,
			const uint8_t *, off), n);
		if (done & 1) {
			f = sf_cksum_fold64(part);
			part = (uint16_t)(f << 8 | f >> 8);
		}
		*sum += part;
		done += n;
	}
	return done == len;
}

/*
 * A TCP or UDP checksum to store: a computed 0 is sent as 0xffff (the
 * same value in one's complement; UDP reserves 0 for "none"), as
 * rte_ipv4_udptcp_cksum() does, so that frames stay byte-identical.
 */
static inline uint16_t
sf_cksum_l4_store(uint16_t cksum)
{
	return cksum == 0 ? 0xffff : cksum;
}

/*
 * The 20 bytes of an IPv4 header without options, partly folded as
 * sf_cksum_acc() folds: two words and the last 32 bits in one
 * add-with-carry chain on x86-64.
 */
static inline uint64_t
sf_cksum_acc20(const void *buf)
{
	const uint8_t *p = (const uint8_t *)buf;
	uint64_t a, b;
	uint32_t c;

	memcpy(&a, p, 8);
	memcpy(&b, p + 8, 8);
	memcpy(&c, p + 16, 4);
#if defined(__x86_64__) && defined(__GNUC__)
	__asm__ __inline__ ("addq %[b], %[a]\n\t"
		 "adcq %[c], %[a]\n\t"
		 "adcq $0, %[a]"
		 : [a] "+r" (a)
		 : [b] "r" (b), [c] "r" ((uint64_t)c)
		 : "cc");
#else
	a = sf_cksum_add64(sf_cksum_add64(a, b), c);
#endif
	return (a & 0xffffffff) + (a >> 32);
}

/*
 * Whether an IPv4 header of ihl bytes carries a valid checksum. The
 * common 20 bytes are summed with a constant length: unrolled, no tail
 * tests.
 */
static inline int
sf_ip4_hdr_ok(const struct rte_ipv4_hdr *ip, uint32_t ihl)
{
	uint64_t sum = likely(ihl == sizeof(*ip)) ?
		sf_cksum_acc20(ip) : sf_cksum_acc(ip, ihl);

	return sf_cksum_fold64(sum) == 0xffff;
}

/* Checksum to store in an IPv4 header whose checksum field is zero. */
static inline uint16_t
sf_ip4_hdr_cksum(const struct rte_ipv4_hdr *ip)
{
	uint32_t ihl = (ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) *
		RTE_IPV4_IHL_MULTIPLIER;

	return (uint16_t)~sf_cksum_fold64(sf_cksum_acc(ip, ihl));
}

/* The same for a header written without options (20 bytes). */
static inline uint16_t
sf_ip4_hdr20_cksum(const struct rte_ipv4_hdr *ip)
{
	return (uint16_t)~sf_cksum_fold64(sf_cksum_acc20(ip));
}

/*
 * Upper-layer checksum over the IPv4 pseudo-header (RFC 9293 3.1) and
 * l4_len bytes at l4: the value to store when the checksum field is zero
 * (through sf_cksum_l4_store()), 0 when verifying a valid segment with
 * its checksum field in place.
 */
static inline uint16_t
sf_ip4_l4_cksum(const struct rte_ipv4_hdr *ip, const void *l4,
		uint32_t l4_len, uint8_t proto)
{
	uint64_t sum;

	sum = (uint64_t)ip->src_addr + ip->dst_addr;
	sum += rte_cpu_to_be_16((uint16_t)l4_len);
	sum += rte_cpu_to_be_16((uint16_t)proto);
	return (uint16_t)~sf_cksum_fold64(sf_cksum_acc_from(l4, l4_len, sum));
}

/*
 * Unfolded sum of the IPv6 pseudo-header (RFC 8200 8.1) for an upper-layer
 * packet of l4_len bytes with protocol proto.
 */
static inline uint64_t
sf_ip6_pseudo_sum(const struct rte_ipv6_hdr *ip6, uint32_t l4_len,
		uint8_t proto)
{
	uint64_t sum;

	sum = sf_cksum_acc(ip6->src_addr, 32);
	sum += rte_cpu_to_be_32(l4_len);
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
	uint64_t sum;

	sum = sf_ip6_pseudo_sum(ip6, l4_len, proto);
	return (uint16_t)~sf_cksum_fold64(sf_cksum_acc_from(l4, l4_len, sum));
}

#endif /* SF_CKSUM_H */
