/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * Backend pools of the SYN proxy (sf_proxy_pvt.h): which backend a new
 * client connection goes to, and the health each backend keeps from its
 * checks.
 *
 * Round robin is nginx's smooth weighted round robin: each choice adds
 * every up backend's weight to its current value, takes the largest, and
 * takes the total of the weights off the one taken; weights 5, 1, 1 give
 * a a b a c a a, not a a a a a b c. Each worker keeps its own currents,
 * so workers need not agree (each spreads its own connections by weight).
 *
 * The client-address hash is weighted rendezvous (highest random weight)
 * hashing: each up backend scores w / -ln(u), u a keyed hash of the
 * client's address and the backend's, uniform in (0, 1]; the highest
 * score wins. A backend wins a client with probability w / sum(w), and a
 * backend going down or coming back moves only the clients it loses or
 * wins: the others keep theirs. The key is fixed, so every worker and
 * every synfront node with the same backends choose alike. -ln(u) is
 * computed as -log2(u) (the factor ln 2 is common to all) in Q16 fixed
 * point by repeated squaring: no floating point on the fast path.
 */

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_common.h>

#include "sf_proxy_pvt.h"
#include "sf_siphash.h"

/* Fixed: every node with the same pool maps clients the same way. */
static const struct sf_siphash_key sf_bp_key = {
	.k = { 0x73796e66726f6e74ull, 0x6261636b656e6473ull },
};

void
sf_bpool_init(struct sf_bpool *bp)
{
	memset(bp, 0, sizeof(*bp));
	bp->bp_sched = SF_BP_RR;
	bp->bp_rise = SF_BP_RISE_DEFAULT;
	bp->bp_fall = SF_BP_FALL_DEFAULT;
}

static bool
sf_bp_same(const struct sf_backend *be, const struct sf_addr *a,
		uint16_t port)
{
	if (be->be_port != port || be->be_addr.family != a->family)
		return false;
	return a->family == AF_INET ? be->be_addr.v4 == a->v4 :
		memcmp(be->be_addr.v6, a->v6, 16) == 0;
}

int
sf_bpool_add(struct sf_bpool *bp, const struct sf_addr *a, uint16_t port,
		unsigned int weight)
{
	struct sf_backend *be;
	unsigned int i;

	if ((a->family != AF_INET && a->family != AF_INET6) || port == 0 ||
	    weight == 0 || weight > SF_BP_WEIGHT_MAX)
		return -EINVAL;
	for (i = 0; i < bp->bp_nb; i++)
		if (sf_bp_same(&bp->bp_be[i], a, port))
			return -EEXIST;
	if (bp->bp_nb == SF_BP_MAX)
		return -ENOSPC;
	be = &bp->bp_be[bp->bp_nb];
	memset(be, 0, sizeof(*be));
	be->be_addr = *a;
	be->be_addr.prefix_len = a->family == AF_INET ? 32 : 128;
	be->be_port = port;
	be->be_weight = (uint16_t)weight;
	be->be_up = 1;
	be->be_pool = bp;
	be->be_idx = (uint8_t)bp->bp_nb;
	return (int)bp->bp_nb++;
}

static int
sf_bp_rr(const struct sf_bpool *bp, struct sf_bsel *st, uint8_t family,
		int skip)
{
	int32_t total = 0;
	unsigned int i;
	int best = -1;

	for (i = 0; i < bp->bp_nb; i++) {
		const struct sf_backend *be = &bp->bp_be[i];

		if (!sf_backend_up(be) || be->be_addr.family != family ||
		    (int)i == skip)
			continue;
		st->bs_cur[i] += be->be_weight;
		total += be->be_weight;
		if (best < 0 || st->bs_cur[i] > st->bs_cur[best])
			best = (int)i;
	}
	if (best < 0)
		return -ENOENT;
	st->bs_cur[best] -= total;
	return best;
}

/* -log2(x / 2^32) in Q16, x in [1, 2^32): positive, at most 32.0. */
static uint32_t
sf_bp_neglog2(uint32_t x)
{
	unsigned int msb = 31 - (unsigned int)__builtin_clz(x), i;
	uint64_t y = ((uint64_t)x << 31) >> msb;   /* 1.f in Q31 */
	uint32_t frac = 0;

	for (i = 0; i < 16; i++) {
		y = (y * y) >> 31;
		frac <<= 1;
		if (y >= (UINT64_C(2) << 31)) {
			y >>= 1;
			frac |= 1;
		}
	}
	return ((uint32_t)32 << 16) - (((uint32_t)msb << 16) | frac);
}

static int
sf_bp_hash(const struct sf_bpool *bp, const struct sf_flow_key *k, int skip)
{
	struct {
		uint32_t client[4];
		uint8_t backend[16];
		uint16_t port;
		uint8_t family;
		uint8_t pad;
	} in;
	uint64_t best_score = 0, score;
	unsigned int i;
	int best = -1;

	memset(&in, 0, sizeof(in));
	memcpy(in.client, k->fk_raddr, sizeof(in.client));
	in.family = k->fk_family;
	for (i = 0; i < bp->bp_nb; i++) {
		const struct sf_backend *be = &bp->bp_be[i];
		uint32_t u;

		if (!sf_backend_up(be) || be->be_addr.family != k->fk_family ||
		    (int)i == skip)
			continue;
		/* The backend's address and port, not its index: stable. */
		memset(in.backend, 0, sizeof(in.backend));
		memcpy(in.backend, be->be_addr.family == AF_INET ?
			(const void *)&be->be_addr.v4 :
			(const void *)be->be_addr.v6,
			be->be_addr.family == AF_INET ? 4 : 16);
		in.port = be->be_port;
		u = (uint32_t)(sf_siphash(&sf_bp_key, &in, sizeof(in)) >> 32) |
			1;
		score = ((uint64_t)be->be_weight << 32) / sf_bp_neglog2(u);
		if (best < 0 || score > best_score) {
			best = (int)i;
			best_score = score;
		}
	}
	return best < 0 ? -ENOENT : best;
}

int
sf_bpool_pick_other(const struct sf_bpool *bp, struct sf_bsel *st,
		const struct sf_flow_key *k, int skip)
{
	if (bp->bp_sched == SF_BP_HASH)
		return sf_bp_hash(bp, k, skip);
	return sf_bp_rr(bp, st, k->fk_family, skip);
}

int
sf_bpool_pick(const struct sf_bpool *bp, struct sf_bsel *st,
		const struct sf_flow_key *k)
{
	return sf_bpool_pick_other(bp, st, k, -1);
}

bool
sf_bpool_check(struct sf_bpool *bp, unsigned int i, bool ok)
{
	struct sf_backend *be = &bp->bp_be[i];
	bool up = sf_backend_up(be);

	be->be_checks++;
	if (!ok)
		be->be_check_fails++;
	if (ok == up) {
		/* As it is: the count towards a change starts again. */
		be->be_rise_n = be->be_fall_n = 0;
		return false;
	}
	if (ok && ++be->be_rise_n < bp->bp_rise)
		return false;
	if (!ok && ++be->be_fall_n < bp->bp_fall)
		return false;
	be->be_rise_n = be->be_fall_n = 0;
	be->be_changes++;
	__atomic_store_n(&be->be_up, ok, __ATOMIC_RELAXED);
	return true;
}
