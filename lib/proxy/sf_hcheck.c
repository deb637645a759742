/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * Backend pools of an engine and their health checks (sf_proxy_pvt.h).
 *
 * A check is a TCP connect, as HAProxy's plain "check" on a TCP server:
 * an active open to the backend (sf_tcp_connect(), on the worker that
 * checks it) whose SYN-ACK is a success, after which the connection is
 * reset (HAProxy aborts its check connections too: no TIME-WAIT piles up
 * on either side, one per backend and interval); a RST (refused), a
 * timeout (no SYN-ACK within check_timeout_ms: the SYN goes at 0 and at
 * a third of it, given up at the end) or an unreachable next hop is a
 * failure. The outcome goes to sf_bpool_check() (rise and fall). The
 * next check of a backend is check_ms after the last one ended. Backend
 * g of the engine (counting over the pools in order) is checked by
 * worker g mod workers, so the checks spread over the workers and each
 * backend's checker fields have one writer.
 */

#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "sf_proxy_pvt.h"
#include "sf_tcp_pvt.h"

void
sf_pool_params_init(struct sf_pool_params *p)
{
	memset(p, 0, sizeof(*p));
	p->sched = SF_POOL_RR;
	p->rise = SF_BP_RISE_DEFAULT;
	p->fall = SF_BP_FALL_DEFAULT;
	p->check_ms = 2000;
	p->check_timeout_ms = 1000;
}

int
sf_proxy_init(struct sf_proxy *px, int socket)
{
	px->px_nb_pools = 0;
	px->px_idle_ms = SF_PX_IDLE_MS_DEFAULT;
	px->px_fin_idle_ms = SF_PX_FIN_IDLE_MS_DEFAULT;
	px->px_retries = 0;
	px->px_syn_retries = 3;
	px->px_syn_timeout_ms = 1000;
	px->px_w = NULL;
	px->px_nb_w = 0;
	px->px_wt = NULL;
	px->px_pools = rte_zmalloc_socket("sf_pools",
		sizeof(*px->px_pools) * SF_MAX_POOLS, RTE_CACHE_LINE_SIZE,
		socket);
	return px->px_pools == NULL ? -ENOMEM : 0;
}

void
sf_proxy_fini(struct sf_proxy *px)
{
	sf_proxy_workers_fini(px);
	rte_free(px->px_pools);
	px->px_pools = NULL;
	px->px_nb_pools = 0;
}

int
sf_proxy_pool_add(struct sf_proxy *px, const struct sf_pool_params *p)
{
	struct sf_bpool *bp;

	if (p->sched > SF_POOL_HASH || p->rise == 0 || p->rise > 100 ||
	    p->fall == 0 || p->fall > 100 ||
	    (p->check_ms != 0 && (p->check_timeout_ms < 3 ||
				  p->check_timeout_ms > p->check_ms)))
		return -EINVAL;
	if (px->px_nb_pools == SF_MAX_POOLS)
		return -ENOSPC;
	bp = &px->px_pools[px->px_nb_pools];
	sf_bpool_init(bp);
	bp->bp_sched = p->sched == SF_POOL_HASH ? SF_BP_HASH : SF_BP_RR;
	bp->bp_rise = p->rise;
	bp->bp_fall = p->fall;
	bp->bp_check_ms = p->check_ms;
	bp->bp_check_timeout_ms = p->check_timeout_ms;
	return (int)px->px_nb_pools++;
}

int
sf_proxy_backend_add(struct sf_proxy *px, unsigned int pool,
		const struct sf_addr *a, uint16_t port, unsigned int weight)
{
	if (pool >= px->px_nb_pools)
		return -ENOENT;
	return sf_bpool_add(&px->px_pools[pool], a, port, weight);
}

/* A check ended: its outcome to the pool, the next one check_ms away. */
static void
sf_hc_done(struct sf_backend *be, uint32_t now, struct sf_net *nt, bool ok)
{
	struct sf_bpool *bp = be->be_pool;

	be->be_hc_inflight = 0;
	be->be_hc_next = now + bp->bp_check_ms;
	sf_count(nt, SF_CNT_backend_checks);
	if (!ok)
		sf_count(nt, SF_CNT_backend_check_fails);
	if (sf_bpool_check(bp, be->be_idx, ok))
		sf_count(nt, ok ? SF_CNT_backend_ups : SF_CNT_backend_downs);
}

static void
sf_hc_connected(struct sf_conn *c, const struct sf_conn_info *ci, void *arg)
{
	struct sf_wtcp *wt = c->cn_wt;

	RTE_SET_USED(ci);
	sf_hc_done(arg, wt->wt_net.nt_now, &wt->wt_net, true);
	/* No TIME-WAIT on either side: the check was only the handshake. */
	sf_conn_reset_local(c);
}

static void
sf_hc_closed(struct sf_conn *c, enum sf_close_reason why, void *arg)
{
	struct sf_backend *be = arg;

	RTE_SET_USED(why);
	/*
	 * The engine is going (the pools are freed before the connections:
	 * sf_proxy_workers_fini() cleared wt_splice_arg first): nothing to
	 * tell. A reset check connection tells nothing; an open that failed
	 * does.
	 */
	if (c == NULL || c->cn_wt->wt_splice_arg == NULL || !be->be_hc_inflight)
		return;
	sf_hc_done(be, c->cn_wt->wt_net.nt_now, &c->cn_wt->wt_net, false);
}

/* Open a check of be from worker wt. */
static void
sf_hc_start(struct sf_wtcp *wt, struct sf_backend *be)
{
	const struct sf_bpool *bp = be->be_pool;
	struct sf_connect_params p;
	struct sf_conn *c;

	sf_connect_params_init(&p);
	p.remote = be->be_addr;
	p.remote_port = be->be_port;
	p.syn_retries = 1;
	p.syn_timeout_ms = RTE_MAX(bp->bp_check_timeout_ms / 3, 1u);
	p.on_connected = sf_hc_connected;
	p.on_close = sf_hc_closed;
	p.arg = be;
	be->be_hc_inflight = 1;
	if (sf_tcp_connect(wt, &p, &c) != 0)
		sf_hc_done(be, wt->wt_net.nt_now, &wt->wt_net, false);
}

void
sf_proxy_clock(struct sf_proxy *px, struct sf_wtcp *wt, unsigned int w,
		unsigned int nw)
{
	uint32_t now = wt->wt_net.nt_now;
	unsigned int p, i, g = 0;

	if (px->px_nb_pools == 0 || w >= RTE_MAX_LCORE ||
	    now - px->px_scan[w] < SF_HC_SCAN_MS)
		return;
	px->px_scan[w] = now;
	for (p = 0; p < px->px_nb_pools; p++) {
		struct sf_bpool *bp = &px->px_pools[p];

		for (i = 0; i < bp->bp_nb; i++, g++) {
			struct sf_backend *be = &bp->bp_be[i];

			if (bp->bp_check_ms == 0 || g % nw != w ||
			    be->be_hc_inflight ||
			    (int32_t)(now - be->be_hc_next) < 0)
				continue;
			sf_hc_start(wt, be);
		}
	}
}
