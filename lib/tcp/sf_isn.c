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

/*
 * IPv4's message, 14 bytes: our end first (address, port, two zero
 * bytes), so that every SYN to one listener shares the first block and
 * sf_flow_prf_mid() resumes after it, then the peer's (address, port).
 * Its length differs from IPv6's 37, which SipHash mixes in, so an IPv4
 * and an IPv6 message cannot collide.
 */
static __rte_always_inline void
sf_flow_msg4(const struct sf_flow_key *k, uint64_t *m0, uint64_t *last)
{
	*m0 = sf_siphash_a4b2(k->fk_laddr[0], k->fk_lport);
	*last = sf_siphash_a4b2(k->fk_raddr[0], k->fk_rport) | (uint64_t)14 << 56;
}

uint64_t
sf_flow_prf(const struct sf_siphash_key *key, const struct sf_flow_key *k)
{
	uint64_t m0, last;

	if (k->fk_family != AF_INET)
		return sf_siphash(key, k, SF_FLOW_ID_LEN);
	sf_flow_msg4(k, &m0, &last);
	return sf_siphash_words(key, &m0, 1, last);
}

/*
 * The same F(), resuming from mid, which holds key's state after the
 * first block of a recent IPv4 message: a SYN flood at one listener pays
 * for one block of two (SipHash's rounds 1-2 of 8). IPv6 hashes whole.
 */
uint64_t
sf_flow_prf_mid(const struct sf_siphash_key *key, struct sf_sip_mid *mid,
		const struct sf_flow_key *k)
{
	struct sf_sip s;
	uint64_t m0, last;

	if (k->fk_family != AF_INET)
		return sf_siphash(key, k, SF_FLOW_ID_LEN);
	sf_flow_msg4(k, &m0, &last);
	sf_sip_resume(&s, mid, key, m0);
	return sf_sip_last(&s, last);
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
