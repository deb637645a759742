/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * The mbuf pool's exit audit. A leak check that a PMD's own rings defeat
 * is either switched off or exits 1 on every clean stop; this one keeps
 * the check exact and allows for a PMD's mbufs only when they are there,
 * counted and untouched.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "sf_pool.h"
#include "sf_port.h"

RTE_LOG_REGISTER(sf_logtype_pool, synfront.pool, INFO);

#define SF_POOL_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, sf_logtype_pool, \
		"synfront: " fmt "\n", ## __VA_ARGS__)

/* What the walk over the pool's objects needs and finds. */
struct sf_pool_walk {
	void **pw_free;            /* the free objects, sorted */
	unsigned int pw_nb_free;
	unsigned int pw_out;       /* objects not among them */
	unsigned int pw_untouched; /* of those, as rte_pktmbuf_alloc() left */
};

static int
sf_ptr_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(void *const *)a;
	uintptr_t y = (uintptr_t)*(void *const *)b;

	return x < y ? -1 : x > y;
}

/*
 * An mbuf in the state rte_pktmbuf_alloc() leaves (rte_pktmbuf_reset()):
 * a PMD's rx buffer that was never handed out. The kernel writes a frame
 * into a fill buffer's data room, never into its header; net_af_xdp sets
 * the lengths and data_off (later releases the port too) only when it
 * hands the frame to us.
 */
static bool
sf_mbuf_untouched(const struct rte_mbuf *m)
{
	return rte_mbuf_refcnt_read(m) == 1 && m->nb_segs == 1 &&
		m->next == NULL && m->pkt_len == 0 && m->data_len == 0 &&
		m->data_off == RTE_MIN(RTE_PKTMBUF_HEADROOM, m->buf_len) &&
		(m->ol_flags & ~RTE_MBUF_F_EXTERNAL) == 0 &&
		m->packet_type == 0 && m->port == RTE_MBUF_PORT_INVALID;
}

static void
sf_pool_walk_obj(struct rte_mempool *mp, void *arg, void *obj,
		unsigned int idx)
{
	struct sf_pool_walk *w = arg;

	RTE_SET_USED(mp);
	RTE_SET_USED(idx);
	if (bsearch(&obj, w->pw_free, w->pw_nb_free, sizeof(void *),
			sf_ptr_cmp) != NULL)
		return;
	w->pw_out++;
	if (sf_mbuf_untouched(obj))
		w->pw_untouched++;
}

/*
 * Count the mbufs outside the pool that are untouched. Takes every free
 * object out (the lcore caches flushed first, so the ring holds them
 * all), walks all objects, puts the free ones back. Returns -1 when the
 * free objects could not be taken.
 */
static int
sf_pool_walk(struct rte_mempool *mp, struct sf_pool_walk *w)
{
	unsigned int lc;

	for (lc = 0; lc < RTE_MAX_LCORE; lc++) {
		struct rte_mempool_cache *c = rte_mempool_default_cache(mp, lc);

		if (c != NULL)
			rte_mempool_cache_flush(c, mp);
	}
	w->pw_nb_free = rte_mempool_avail_count(mp);
	w->pw_free = calloc(RTE_MAX(w->pw_nb_free, 1u), sizeof(void *));
	if (w->pw_free == NULL)
		return -1;
	/* No cache: straight from the ring, which holds them all now. */
	if (rte_mempool_generic_get(mp, w->pw_free, w->pw_nb_free, NULL) != 0) {
		free(w->pw_free);
		return -1;
	}
	qsort(w->pw_free, w->pw_nb_free, sizeof(void *), sf_ptr_cmp);
	rte_mempool_obj_iter(mp, sf_pool_walk_obj, w);
	rte_mempool_generic_put(mp, w->pw_free, w->pw_nb_free, NULL);
	free(w->pw_free);
	return 0;
}

unsigned int
sf_pool_audit(struct rte_mempool *mp, unsigned int pmd_kept,
		struct sf_pool_report *r)
{
	struct sf_pool_walk w = { 0 };
	unsigned int out;

	snprintf(r->pp_name, sizeof(r->pp_name), "%s", mp->name);
	r->pp_size = mp->size;
	r->pp_avail = rte_mempool_avail_count(mp);
	r->pp_pmd_kept = 0;
	out = r->pp_size - r->pp_avail;
	r->pp_in_use = out;
	if (out == 0) {
		SF_POOL_LOG(INFO, "all %u mbufs back in the pool", r->pp_size);
		return 0;
	}
	if (pmd_kept == 0) {
		SF_POOL_LOG(ERR, "mbuf leak: %u of %u mbufs not back in the pool",
			out, r->pp_size);
		return out;
	}
	if (sf_pool_walk(mp, &w) != 0) {
		SF_POOL_LOG(ERR, "mbuf leak: %u of %u mbufs not back in the "
			"pool, of which the PMDs keep %u; the pool could not be "
			"walked to tell them apart", out, r->pp_size, pmd_kept);
		return out;
	}
	if (w.pw_out != out || out < pmd_kept) {
		SF_POOL_LOG(ERR, "mbuf leak: %u of %u mbufs not back in the "
			"pool (%u found by walking it), where net_af_xdp keeps "
			"exactly %u (%u per rx queue): the PMD's cannot be told "
			"from ours", out, r->pp_size, w.pw_out, pmd_kept,
			SF_AF_XDP_FILL_MBUFS);
		return out;
	}
	if (w.pw_untouched < pmd_kept) {
		SF_POOL_LOG(ERR, "mbuf leak: %u of %u mbufs not back in the "
			"pool; net_af_xdp keeps %u (%u per rx queue), but only "
			"%u of those outside are as rte_pktmbuf_alloc() left "
			"them", out, r->pp_size, pmd_kept, SF_AF_XDP_FILL_MBUFS,
			w.pw_untouched);
		return out;
	}
	r->pp_pmd_kept = pmd_kept;
	r->pp_in_use = out - pmd_kept;
	if (r->pp_in_use != 0) {
		SF_POOL_LOG(ERR, "mbuf leak: %u of %u mbufs not back in the "
			"pool, besides the %u that net_af_xdp keeps in its fill "
			"rings", r->pp_in_use, r->pp_size, pmd_kept);
		return r->pp_in_use;
	}
	SF_POOL_LOG(INFO, "every mbuf accounted for: %u of %u back in the "
		"pool, %u kept by net_af_xdp in its fill rings (it never frees "
		"them), each as rte_pktmbuf_alloc() left it", r->pp_avail,
		r->pp_size, pmd_kept);
	return 0;
}
