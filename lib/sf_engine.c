/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <time.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "sf_engine_pvt.h"

RTE_LOG_REGISTER(sf_logtype_engine, synfront.engine, INFO);

RTE_DEFINE_PER_LCORE(struct sf_worker *, sf_cur_ctx);

/* Default ring sizes: 1024 frames is 32 bursts of slack per pair. */
#define SF_STEER_RING_DEFAULT 1024
#define SF_ACCEPT_RING_DEFAULT 1024

/*
 * Default tx drain period. l2fwd uses 100 us; a SYN-ACK that waits that
 * long is most of a LAN round trip, so replies are flushed every 20 us
 * at most, and at once whenever the rx queues run dry.
 */
#define SF_TX_DRAIN_US_DEFAULT 20

/*
 * Default table sizes per worker. 16 Ki requests cover 16 listeners at
 * Linux's default syn_backlog of 1024 (SYN cookies take over beyond);
 * 64 Ki connections at about 200 bytes each (entry, key, bucket) cost
 * 13 MB per worker.
 */
#define SF_MAX_REQUESTS_DEFAULT 16384
#define SF_MAX_CONNS_DEFAULT 65536
/*
 * TIME-WAIT after our close. Linux waits 60 s (TCP_TIMEWAIT_LEN) to
 * protect a later incarnation of the 4-tuple from old duplicates; a front
 * end that closes millions of connections cannot hold them that long, and
 * what it must do is answer a retransmitted FIN, which arrives within a
 * few peer RTOs: 2 s.
 */
#define SF_TIME_WAIT_MS_DEFAULT 2000
/* Timer wheel: 1 ms ticks, 4096 slots (one turn: 4.1 s). */
#define SF_TW_SLOTS 4096

/* The wall clock SYN-cookie periods count in: UTC ms since the epoch. */
static uint64_t
sf_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * MS_PER_S + (uint64_t)ts.tv_nsec / 1000000;
}

void
sf_engine_cookie_secret(struct sf_engine *eng, const uint8_t key[16])
{
	struct sf_siphash_key k;

	if (key != NULL)
		sf_siphash_key_from_bytes(key, &k);
	sf_cookie_secret_set(&eng->en_tcp.et_cookie, key != NULL ? &k : NULL,
		eng->en_tcp.et_wall_ms());
}

/* Engine-wide TCP state: listener table, keys, limits. */
static int
sf_engine_tcp_init(struct sf_engine *eng, const struct sf_engine_params *p)
{
	struct sf_etcp *et = &eng->en_tcp;
	struct sf_siphash_key seed;

	et->et_listeners = rte_zmalloc_socket("sf_listeners",
			sizeof(struct sf_listener) * SF_MAX_LISTENERS,
			RTE_CACHE_LINE_SIZE, p->socket_id);
	et->et_by_port = rte_zmalloc_socket("sf_listen_ports", 65536, 0,
			p->socket_id);
	if (et->et_listeners == NULL || et->et_by_port == NULL)
		return -ENOMEM;
	sf_siphash_key_random(&et->et_isn_key);
	sf_siphash_key_random(&et->et_peer_key);
	sf_cookie_secret_init(&et->et_cookie);
	if (p->cookie_secret != NULL)
		sf_siphash_key_from_bytes(p->cookie_secret, &et->et_cookie.cs_cur);
	et->et_wall_ms = sf_wall_ms;
	sf_siphash_key_random(&seed);
	et->et_hash_seed = (uint32_t)seed.k[0];
	et->et_somaxconn = p->somaxconn != 0 ? p->somaxconn :
		SF_SOMAXCONN_DEFAULT;
	et->et_max_requests = p->max_requests != 0 ? p->max_requests :
		SF_MAX_REQUESTS_DEFAULT;
	et->et_max_conns = p->max_conns != 0 ? p->max_conns :
		SF_MAX_CONNS_DEFAULT;
	et->et_time_wait_ms = p->time_wait_ms != 0 ? p->time_wait_ms :
		SF_TIME_WAIT_MS_DEFAULT;
	et->et_no_listener_drop = p->no_listener_drop != 0;
	et->et_pool = p->pool;
	return 0;
}

/*
 * The ICMP errors we send, with Linux's defaults: icmp_ratelimit 1000 ms
 * per peer, icmp_msgs_per_sec 1000 with icmp_msgs_burst 50.
 */
#define SF_ICMP_RATELIMIT_MS_DEFAULT 1000
#define SF_ICMP_MSGS_PER_SEC_DEFAULT 1000
#define SF_ICMP_MSGS_BURST_DEFAULT 50
#define SF_ICMP_RATELIMIT_MS_MAX 3600000u

static uint32_t
sf_icmp_param(uint32_t v, uint32_t def)
{
	return v == 0 ? def : v == SF_ICMP_NO_LIMIT ? 0 : v;
}

static void
sf_engine_icmp_init(struct sf_engine *eng, const struct sf_engine_params *p)
{
	struct sf_icmp_conf *ic = &eng->en_icmp;

	ic->ic_off = p->no_icmp_errors != 0;
	/* Six of these fit the 32-bit token count: at most an hour. */
	ic->ic_ratelimit_ms = RTE_MIN(sf_icmp_param(p->icmp_ratelimit_ms,
		SF_ICMP_RATELIMIT_MS_DEFAULT), SF_ICMP_RATELIMIT_MS_MAX);
	ic->ic_per_sec = sf_icmp_param(p->icmp_msgs_per_sec,
		SF_ICMP_MSGS_PER_SEC_DEFAULT);
	/* The bucket's size: SF_ICMP_NO_LIMIT is as large as it gets. */
	ic->ic_burst = p->icmp_msgs_burst != 0 ? p->icmp_msgs_burst :
		SF_ICMP_MSGS_BURST_DEFAULT;
}

/* A worker's request and connection tables and its timer wheel. */
static int
sf_worker_tcp_init(struct sf_worker *w)
{
	struct sf_wtcp *wt = &w->wk_tcp;

	wt->wt_ms_tsc = RTE_MAX(rte_get_tsc_hz() / MS_PER_S, (uint64_t)1);
	wt->wt_tsc0 = rte_rdtsc();
	wt->wt_next_tick_tsc = wt->wt_tsc0 + wt->wt_ms_tsc;
	wt->wt_now = 0;
	if (sf_syncache_init(w) != 0 || sf_conn_init(w) != 0)
		return -ENOMEM;
	return sf_twheel_init(&wt->wt_tw,
		wt->wt_reqtab.ft_cap + wt->wt_conntab.ft_cap, SF_TW_SLOTS,
		wt->wt_now, w->wk_eng->en_socket);
}

struct sf_engine *
sf_engine_create(const struct sf_engine_params *params)
{
	struct sf_engine *eng;
	unsigned int i, nctx;
	size_t sz;

	if (params == NULL || params->nb_workers == 0 ||
	    params->nb_workers > RTE_MAX_LCORE ||
	    params->nb_apps > SF_MAX_APPS) {
		rte_errno = EINVAL;
		return NULL;
	}
	nctx = params->nb_workers + params->nb_apps;
	eng = rte_zmalloc_socket("sf_engine", sizeof(*eng),
			RTE_CACHE_LINE_SIZE, params->socket_id);
	if (eng == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	eng->en_nb_workers = params->nb_workers;
	eng->en_nb_apps = params->nb_apps;
	eng->en_socket = params->socket_id;
	eng->en_tx_drain_us = params->tx_drain_us != 0 ?
		params->tx_drain_us : SF_TX_DRAIN_US_DEFAULT;
	eng->en_steer_ring_size = params->steer_ring_size != 0 ?
		params->steer_ring_size : SF_STEER_RING_DEFAULT;
	eng->en_accept_ring_size = params->accept_ring_size != 0 ?
		params->accept_ring_size : SF_ACCEPT_RING_DEFAULT;
	rte_spinlock_init(&eng->en_ctl_lock);
	sf_listener_params_init(&eng->en_ls_defaults);
	eng->en_workers = rte_zmalloc_socket("sf_workers",
			sizeof(struct sf_worker) * nctx,
			RTE_CACHE_LINE_SIZE, params->socket_id);
	sz = rte_rcu_qsbr_get_memsize(params->nb_workers);
	eng->en_qsbr = rte_zmalloc_socket("sf_qsbr", sz, RTE_CACHE_LINE_SIZE,
			params->socket_id);
	if (eng->en_workers == NULL || eng->en_qsbr == NULL ||
	    rte_rcu_qsbr_init(eng->en_qsbr, params->nb_workers) != 0) {
		rte_free(eng->en_workers);
		rte_free(eng->en_qsbr);
		rte_free(eng);
		rte_errno = ENOMEM;
		return NULL;
	}
	sf_engine_icmp_init(eng, params);
	if (sf_engine_tcp_init(eng, params) != 0) {
		sf_engine_free(eng);
		rte_errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < params->nb_workers; i++) {
		struct sf_worker *w = &eng->en_workers[i];

		w->wk_eng = eng;
		w->wk_idx = i;
		w->wk_lcore = LCORE_ID_ANY;
		w->wk_drain_tsc = (rte_get_tsc_hz() + US_PER_S - 1) /
			US_PER_S * eng->en_tx_drain_us;
		memset(w->wk_qidx, UINT8_MAX, sizeof(w->wk_qidx));
		if (sf_worker_tcp_init(w) != 0 ||
		    rte_rcu_qsbr_thread_register(eng->en_qsbr, i) != 0) {
			sf_engine_free(eng);
			rte_errno = ENOMEM;
			return NULL;
		}
		sf_icmp_err_init(w);
	}
	/* Application contexts: counters and rings only, no tables. */
	for (i = params->nb_workers; i < nctx; i++) {
		struct sf_worker *a = &eng->en_workers[i];

		a->wk_eng = eng;
		a->wk_idx = i;
		a->wk_app = true;
		a->wk_lcore = LCORE_ID_ANY;
		memset(a->wk_qidx, UINT8_MAX, sizeof(a->wk_qidx));
	}
	if (sf_app_init(eng) != 0) {
		sf_engine_free(eng);
		rte_errno = ENOMEM;
		return NULL;
	}
	/* Connections go up inline, or over the application contexts. */
	for (i = 0; i < params->nb_workers; i++)
		eng->en_workers[i].wk_tcp.wt_conn_ops = params->nb_apps != 0 ?
			&sf_app_conn_ops : &sf_conn_ops_inline;
	return eng;
}

void
sf_engine_free(struct sf_engine *eng)
{
	unsigned int i, q;

	if (eng == NULL)
		return;
	__atomic_compare_exchange_n(&sf_tel_engine, &(struct sf_engine *){eng},
		NULL, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	if (eng->en_workers != NULL) {
		/* Rings, tx buffers and queued data first: mbufs go home. */
		sf_engine_drain(eng);
		sf_app_fini(eng);
		sf_steer_fini(eng);
	}
	for (i = 0; eng->en_workers != NULL && i < eng->en_nb_workers; i++) {
		struct sf_worker *w = &eng->en_workers[i];

		/* Connections first: they may hold mbufs and queue places. */
		sf_conn_fini(w);
		sf_syncache_fini(w);
		sf_twheel_fini(&w->wk_tcp.wt_tw);
		for (q = 0; q < w->wk_nb_queues; q++)
			rte_free(w->wk_q[q].wq_txb);
	}
	rte_free(eng->en_workers);
	rte_free(eng->en_qsbr);
	rte_free(eng->en_tcp.et_listeners);
	rte_free(eng->en_tcp.et_by_port);
	rte_free(eng);
}

int
sf_engine_port_add(struct sf_engine *eng, uint16_t port_id,
		const struct sf_port_conf *conf)
{
	struct sf_port *pt;

	if (eng == NULL || conf == NULL || port_id >= RTE_MAX_ETHPORTS)
		return -EINVAL;
	pt = &eng->en_ports[port_id];
	if (pt->pt_present)
		return -EEXIST;
	pt->pt_present = true;
	pt->pt_mac = conf->mac;
	pt->pt_tx_ip4_cksum = !!(conf->tx_offloads &
			RTE_ETH_TX_OFFLOAD_IPV4_CKSUM);
	pt->pt_tx_tcp_cksum = !!(conf->tx_offloads &
			RTE_ETH_TX_OFFLOAD_TCP_CKSUM);
	pt->pt_rx_ip4_cksum = !!(conf->rx_offloads &
			RTE_ETH_RX_OFFLOAD_IPV4_CKSUM);
	pt->pt_rx_tcp_cksum = !!(conf->rx_offloads &
			RTE_ETH_RX_OFFLOAD_TCP_CKSUM);
	pt->pt_mtu = conf->mtu != 0 ? conf->mtu : RTE_ETHER_MTU;
	return 0;
}

static const struct sf_port *
sf_engine_port(const struct sf_engine *eng, uint16_t port_id)
{
	if (eng == NULL || port_id >= RTE_MAX_ETHPORTS ||
	    !eng->en_ports[port_id].pt_present)
		return NULL;
	return &eng->en_ports[port_id];
}

int
sf_engine_addr_add(struct sf_engine *eng, uint16_t port_id,
		const struct sf_addr *a)
{
	static const uint8_t zero[16];
	struct sf_port *pt;

	if (sf_engine_port(eng, port_id) == NULL || a == NULL)
		return -EINVAL;
	pt = &eng->en_ports[port_id];
	if (pt->pt_nb_v4 + pt->pt_nb_v6 >= SF_MAX_ADDRS_PER_PORT)
		return -ENOSPC;
	if (a->family == AF_INET) {
		if (a->prefix_len > 32 || sf_v4_is_martian_src(a->v4))
			return -EINVAL;
		if (sf_port_owns_v4(pt, a->v4))
			return -EEXIST;
		pt->pt_v4[pt->pt_nb_v4] = a->v4;
		pt->pt_v4_plen[pt->pt_nb_v4] = a->prefix_len;
		pt->pt_v4_hostmask[pt->pt_nb_v4] =
			a->prefix_len == 0 || a->prefix_len >= 31 ? 0 :
			rte_cpu_to_be_32(~0u >> a->prefix_len);
		pt->pt_nb_v4++;
		return 0;
	}
	if (a->family == AF_INET6) {
		if (a->prefix_len > 128 || sf_v6_is_martian_src(a->v6) ||
		    memcmp(a->v6, zero, 16) == 0)
			return -EINVAL;
		if (sf_port_owns_v6(pt, a->v6))
			return -EEXIST;
		memcpy(pt->pt_v6[pt->pt_nb_v6], a->v6, 16);
		pt->pt_v6_plen[pt->pt_nb_v6] = a->prefix_len;
		pt->pt_nb_v6++;
		return 0;
	}
	return -EINVAL;
}

int
sf_engine_addr_count(const struct sf_engine *eng, uint16_t port_id)
{
	const struct sf_port *pt = sf_engine_port(eng, port_id);

	return pt == NULL ? -EINVAL : pt->pt_nb_v4 + pt->pt_nb_v6;
}

int
sf_engine_addr_get(const struct sf_engine *eng, uint16_t port_id,
		unsigned int i, struct sf_addr *out)
{
	const struct sf_port *pt = sf_engine_port(eng, port_id);

	if (pt == NULL || out == NULL)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (i < pt->pt_nb_v4) {
		out->family = AF_INET;
		out->v4 = pt->pt_v4[i];
		out->prefix_len = pt->pt_v4_plen[i];
		return 0;
	}
	i -= pt->pt_nb_v4;
	if (i < pt->pt_nb_v6) {
		out->family = AF_INET6;
		memcpy(out->v6, pt->pt_v6[i], 16);
		out->prefix_len = pt->pt_v6_plen[i];
		return 0;
	}
	return -ENOENT;
}

unsigned int
sf_engine_worker_count(const struct sf_engine *eng)
{
	return eng->en_nb_workers;
}

unsigned int
sf_engine_context_count(const struct sf_engine *eng)
{
	return eng->en_nb_workers + eng->en_nb_apps;
}

struct sf_worker *
sf_engine_worker(struct sf_engine *eng, unsigned int idx)
{
	if (eng == NULL || idx >= eng->en_nb_workers)
		return NULL;
	return &eng->en_workers[idx];
}

/*
 * Frames the tx queue refused: freed and counted, never retried, so a
 * stuck queue cannot hold the mempool hostage.
 */
static void
sf_tx_unsent(struct rte_mbuf **pkts, uint16_t unsent, void *arg)
{
	struct sf_worker *w = arg;
	uint16_t i;

	for (i = 0; i < unsent; i++)
		rte_pktmbuf_free(pkts[i]);
	__atomic_store_n(&w->wk_cnt[SF_CNT_tx_dropped],
		w->wk_cnt[SF_CNT_tx_dropped] + unsent, __ATOMIC_RELAXED);
}

int
sf_worker_queue_add(struct sf_worker *w, uint16_t port_id, uint16_t queue_id)
{
	struct rte_eth_dev_tx_buffer *b;
	struct sf_wqueue *q;

	if (w == NULL || sf_engine_port(w->wk_eng, port_id) == NULL ||
	    w->wk_qidx[port_id] != UINT8_MAX)
		return -EINVAL;
	if (w->wk_nb_queues == SF_MAX_WORKER_QUEUES)
		return -ENOSPC;
	b = rte_zmalloc_socket("sf_txbuf", RTE_ETH_TX_BUFFER_SIZE(SF_RX_BURST),
			RTE_CACHE_LINE_SIZE, w->wk_eng->en_socket);
	if (b == NULL)
		return -ENOMEM;
	rte_eth_tx_buffer_init(b, SF_RX_BURST);
	rte_eth_tx_buffer_set_err_callback(b, sf_tx_unsent, w);
	q = &w->wk_q[w->wk_nb_queues];
	q->wq_port = port_id;
	q->wq_queue = queue_id;
	q->wq_txb = b;
	w->wk_qidx[port_id] = (uint8_t)w->wk_nb_queues;
	w->wk_nb_queues++;
	return 0;
}

unsigned int
sf_worker_queue_count(const struct sf_worker *w)
{
	return w->wk_nb_queues;
}

/*
 * A frame for a port this worker has no tx queue on: to the worker that
 * sends there for it (software steering), or dropped.
 */
static void
sf_worker_handoff(struct sf_worker *w, uint16_t port_id, struct rte_mbuf *m)
{
	struct rte_ring *r = w->wk_txr[port_id];

	if (r == NULL) {
		rte_pktmbuf_free(m);
		sf_count(w, SF_CNT_tx_dropped);
		return;
	}
	m->port = port_id;
	if (rte_ring_sp_enqueue(r, m) != 0) {
		rte_pktmbuf_free(m);
		sf_count(w, SF_CNT_tx_handoff_dropped);
		return;
	}
	sf_count(w, SF_CNT_tx_handoff);
}

uint16_t
sf_worker_input(struct sf_worker *w, uint16_t port_id,
		struct rte_mbuf **pkts, uint16_t n)
{
	const struct sf_wqueue *q = NULL;
	uint16_t i, sent = 0;

	RTE_PER_LCORE(sf_cur_ctx) = w;
	sf_count_n(w, SF_CNT_rx_packets, n);
	/* Checked once per burst so sf_input_one() can index the table. */
	if (unlikely(port_id >= RTE_MAX_ETHPORTS ||
		     !w->wk_eng->en_ports[port_id].pt_present)) {
		rte_pktmbuf_free_bulk(pkts, n);
		sf_count_n(w, SF_CNT_drop_unknown_port, n);
		return n;
	}
	if (w->wk_qidx[port_id] != UINT8_MAX)
		q = &w->wk_q[w->wk_qidx[port_id]];
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		switch (sf_input_one(w, port_id, m)) {
		case SF_VERDICT_TX:
			break;
		case SF_VERDICT_KEPT:
			continue;
		default:
			rte_pktmbuf_free(m);
			continue;
		}
		if (unlikely(q == NULL)) {
			/* A steered flow: another worker sends for us. */
			sf_worker_handoff(w, port_id, m);
			continue;
		}
		sent += rte_eth_tx_buffer(q->wq_port, q->wq_queue, q->wq_txb, m);
	}
	if (sent != 0)
		sf_count_n(w, SF_CNT_tx_packets, sent);
	return n;
}

void
sf_worker_flush(struct sf_worker *w)
{
	uint16_t sent = 0;
	unsigned int i;

	for (i = 0; i < w->wk_nb_queues; i++) {
		const struct sf_wqueue *q = &w->wk_q[i];

		sent += rte_eth_tx_buffer_flush(q->wq_port, q->wq_queue,
				q->wq_txb);
	}
	if (sent != 0)
		sf_count_n(w, SF_CNT_tx_packets, sent);
	w->wk_last_flush = rte_rdtsc();
}

void
sf_worker_tx(struct sf_worker *w, uint16_t port_id, struct rte_mbuf *m)
{
	const struct sf_wqueue *q;
	uint16_t sent;

	if (unlikely(w->wk_eng->en_tx_hook != NULL)) {
		w->wk_eng->en_tx_hook(w, port_id, m);
		return;
	}
	if (unlikely(w->wk_qidx[port_id] == UINT8_MAX)) {
		sf_worker_handoff(w, port_id, m);
		return;
	}
	q = &w->wk_q[w->wk_qidx[port_id]];
	sent = rte_eth_tx_buffer(q->wq_port, q->wq_queue, q->wq_txb, m);
	if (sent != 0)
		sf_count_n(w, SF_CNT_tx_packets, sent);
}

struct rte_mbuf *
sf_worker_alloc(struct sf_worker *w)
{
	struct rte_mbuf *m = NULL;

	if (w->wk_eng->en_tcp.et_pool != NULL)
		m = rte_pktmbuf_alloc(w->wk_eng->en_tcp.et_pool);
	if (m == NULL)
		sf_count(w, SF_CNT_tx_nombuf);
	return m;
}

static void
sf_worker_timer(void *ctx, uint32_t id)
{
	struct sf_worker *w = ctx;
	uint32_t nreq = w->wk_tcp.wt_reqtab.ft_cap;

	if (id < nreq)
		sf_syncache_timer(w, id);
	else
		sf_conn_timer(w, id - nreq);
}

void
sf_worker_clock(struct sf_worker *w, uint32_t now)
{
	struct sf_wtcp *wt = &w->wk_tcp;

	wt->wt_now = now;
	if ((int32_t)(now - wt->wt_ck_next) >= 0)
		sf_syncache_clock(w);
	sf_twheel_advance(&wt->wt_tw, now, sf_worker_timer, w);
}

uint16_t
sf_worker_poll(struct sf_worker *w)
{
	struct rte_mbuf *pkts[SF_RX_BURST];
	struct sf_wtcp *wt = &w->wk_tcp;
	uint16_t nb, total = 0;
	unsigned int i;
	uint32_t now;
	uint64_t tsc;

	if (unlikely(w->wk_lcore == LCORE_ID_ANY))
		w->wk_lcore = rte_lcore_id();
	RTE_PER_LCORE(sf_cur_ctx) = w;
	sf_listen_sync(w);
	/*
	 * The ms clock of timers and timestamps; the wheel runs per tick.
	 * The division is done once per tick, not once per poll: between
	 * ticks a compare against the next tick's TSC is enough.
	 */
	tsc = rte_rdtsc();
	if (unlikely(tsc >= wt->wt_next_tick_tsc)) {
		now = (uint32_t)((tsc - wt->wt_tsc0) / wt->wt_ms_tsc);
		wt->wt_next_tick_tsc = wt->wt_tsc0 +
			((uint64_t)now + 1) * wt->wt_ms_tsc;
		if (now != wt->wt_now)
			sf_worker_clock(w, now);
	}
	for (i = 0; i < w->wk_nb_queues; i++) {
		const struct sf_wqueue *q = &w->wk_q[i];

		nb = rte_eth_rx_burst(q->wq_port, q->wq_queue, pkts,
				SF_RX_BURST);
		if (nb == 0)
			continue;
		if (w->wk_eng->en_ports[q->wq_port].pt_steer)
			sf_steer_rx(w, q->wq_port, pkts, nb);
		else
			sf_worker_input(w, q->wq_port, pkts, nb);
		total += nb;
	}
	if (w->wk_nb_steer_in != 0 || w->wk_nb_tx_in != 0)
		total += sf_steer_poll(w);
	if (w->wk_eng->en_nb_apps != 0)
		sf_app_cmd_poll(w);
	if (total == 0 || rte_rdtsc() - w->wk_last_flush > w->wk_drain_tsc)
		sf_worker_flush(w);
	return total;
}

void
sf_worker_stop(struct sf_worker *w)
{
	if (!w->wk_app)
		sf_worker_flush(w);
	if (w->wk_online) {
		rte_rcu_qsbr_thread_offline(w->wk_eng->en_qsbr, w->wk_idx);
		w->wk_online = false;
	}
}

void
sf_engine_drain(struct sf_engine *eng)
{
	unsigned int i, q;

	sf_steer_drain(eng);
	sf_app_drain(eng);
	for (i = 0; i < eng->en_nb_workers; i++) {
		struct sf_worker *w = &eng->en_workers[i];
		struct sf_wtcp *wt = &w->wk_tcp;
		uint32_t k;

		for (q = 0; q < w->wk_nb_queues; q++) {
			struct rte_eth_dev_tx_buffer *b = w->wk_q[q].wq_txb;

			rte_pktmbuf_free_bulk(b->pkts, b->length);
			b->length = 0;
		}
		for (k = 0; wt->wt_conn != NULL && k < wt->wt_conntab.ft_cap;
		     k++) {
			if (wt->wt_conn[k].cn_data != NULL) {
				rte_pktmbuf_free(wt->wt_conn[k].cn_data);
				wt->wt_conn[k].cn_data = NULL;
			}
		}
	}
}

void
sf_engine_counters(const struct sf_engine *eng, uint64_t *out)
{
	unsigned int i, c;

	memset(out, 0, sizeof(*out) * SF_CNT_MAX);
	for (i = 0; i < eng->en_nb_workers + eng->en_nb_apps; i++)
		for (c = 0; c < SF_CNT_MAX; c++)
			out[c] += __atomic_load_n(&eng->en_workers[i].wk_cnt[c],
					__ATOMIC_RELAXED);
}

int
sf_engine_worker_counters(const struct sf_engine *eng, unsigned int idx,
		uint64_t *out)
{
	unsigned int c;

	if (eng == NULL || idx >= eng->en_nb_workers + eng->en_nb_apps)
		return -EINVAL;
	for (c = 0; c < SF_CNT_MAX; c++)
		out[c] = __atomic_load_n(&eng->en_workers[idx].wk_cnt[c],
				__ATOMIC_RELAXED);
	return 0;
}

int
sf_engine_worker_lcore(const struct sf_engine *eng, unsigned int idx)
{
	if (eng == NULL || idx >= eng->en_nb_workers + eng->en_nb_apps)
		return -EINVAL;
	return (int)eng->en_workers[idx].wk_lcore;
}
