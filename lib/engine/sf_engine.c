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
#include <rte_random.h>

#include "sf_engine_pvt.h"

RTE_LOG_REGISTER(sf_logtype_engine, synfront.engine, INFO);

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
/* Entries of each worker's connect ring (sf_connect_api.c). */
#define SF_CONNECT_RING_SIZE 1024
/*
 * TIME-WAIT after our close: Linux's 60 s (TCP_TIMEWAIT_LEN), which keeps
 * old duplicates of a 4-tuple from a later incarnation of it. A front end
 * that closes first holds many: at most max_time_wait per worker (half
 * the connection table by default), beyond which a connection ends
 * without TIME-WAIT, as Linux's tcp_max_tw_buckets.
 */
#define SF_TIME_WAIT_MS_DEFAULT 60000

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
	size_t sz;

	if (sf_ltab_init(et, p->socket_id) != 0)
		return -ENOMEM;
	sz = rte_rcu_qsbr_get_memsize(p->nb_workers);
	et->et_qsbr = rte_zmalloc_socket("sf_qsbr", sz, RTE_CACHE_LINE_SIZE,
			p->socket_id);
	if (et->et_qsbr == NULL ||
	    rte_rcu_qsbr_init(et->et_qsbr, p->nb_workers) != 0)
		return -ENOMEM;
	sf_siphash_key_random(&et->et_isn_key);
	sf_siphash_key_random(&et->et_peer_key);
	sf_cookie_secret_init(&et->et_cookie);
	if (p->cookie_secret != NULL)
		sf_siphash_key_from_bytes(p->cookie_secret, &et->et_cookie.cs_cur);
	et->et_wall_ms = sf_wall_ms;
	sf_siphash_key_random(&seed);
	et->et_hash_seed = (uint32_t)seed.k[0];
	sf_flow_hkey_random(&et->et_hkey);
	et->et_somaxconn = p->somaxconn != 0 ? p->somaxconn :
		SF_SOMAXCONN_DEFAULT;
	et->et_max_requests = p->max_requests != 0 ? p->max_requests :
		SF_MAX_REQUESTS_DEFAULT;
	et->et_max_conns = p->max_conns != 0 ? p->max_conns :
		SF_MAX_CONNS_DEFAULT;
	et->et_time_wait_ms = p->time_wait_ms != 0 ? p->time_wait_ms :
		SF_TIME_WAIT_MS_DEFAULT;
	et->et_max_tw = p->max_time_wait != 0 ? p->max_time_wait :
		RTE_MAX(et->et_max_conns / 2, 1u);
	et->et_no_listener_drop = p->no_listener_drop != 0;
	et->et_sndbuf = p->sndbuf != 0 ? p->sndbuf : SF_SNDBUF_DEFAULT;
	et->et_retries2 = p->tcp_retries2 != 0 ? p->tcp_retries2 :
		SF_RETRIES2_DEFAULT;
	if (p->local_port_lo == 0 && p->local_port_hi == 0) {
		et->et_port_lo = SF_LOCAL_PORT_LO_DEFAULT;
		et->et_port_hi = SF_LOCAL_PORT_HI_DEFAULT;
	} else if (p->local_port_lo == 0 ||
		   p->local_port_lo > p->local_port_hi) {
		return -EINVAL;
	} else {
		et->et_port_lo = p->local_port_lo;
		et->et_port_hi = p->local_port_hi;
	}
	et->et_tw_reuse = p->tw_reuse != 0;
	if (p->syn_retries > 20)
		return -EINVAL;
	et->et_syn_retries = p->syn_retries != 0 ? p->syn_retries :
		SF_SYN_RETRIES_DEFAULT;
	sf_siphash_key_random(&et->et_port_key);
	return 0;
}

static void
sf_engine_tcp_term(struct sf_engine *eng)
{
	rte_free(eng->en_tcp.et_qsbr);
	eng->en_tcp.et_qsbr = NULL;
	sf_ltab_fini(&eng->en_tcp);
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

static int
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
	return 0;
}

static const struct sf_port *sf_engine_port(const struct sf_engine *eng,
		uint16_t port_id);

/*
 * The neighbour table: one for the engine, shared by the workers
 * (sf_neigh.h says why). Before the workers, which point at it.
 */
static int
sf_engine_neigh_init(struct sf_engine *eng, const struct sf_engine_params *p)
{
	eng->en_neigh = rte_zmalloc_socket("sf_neigh", sizeof(*eng->en_neigh),
			RTE_CACHE_LINE_SIZE, p->socket_id);
	if (eng->en_neigh == NULL)
		return -ENOMEM;
	sf_neigh_init(eng->en_neigh, (uint32_t)rte_rand());
	return 0;
}

static void
sf_engine_neigh_term(struct sf_engine *eng)
{
	sf_neigh_fini(eng->en_neigh);
	rte_free(eng->en_neigh);
	eng->en_neigh = NULL;
}

int
sf_engine_announce(struct sf_engine *eng, uint16_t port_id)
{
	if (sf_engine_port(eng, port_id) == NULL)
		return -EINVAL;
	sf_neigh_announce(eng->en_neigh, port_id);
	return 0;
}

/*
 * The contexts: workers (their net and TCP state), then the application
 * contexts' layer. Workers get their ms clock here too.
 */
static int
sf_engine_workers_init(struct sf_engine *eng, const struct sf_engine_params *p)
{
	struct sf_etcp *et = &eng->en_tcp;
	unsigned int i;

	eng->en_workers = rte_zmalloc_socket("sf_workers",
			sizeof(struct sf_worker) * p->nb_workers,
			RTE_CACHE_LINE_SIZE, p->socket_id);
	et->et_wt = rte_zmalloc_socket("sf_wtcp",
			sizeof(*et->et_wt) * p->nb_workers, 0, p->socket_id);
	if (eng->en_workers == NULL || et->et_wt == NULL)
		return -ENOMEM;
	et->et_nb_workers = p->nb_workers;
	for (i = 0; i < p->nb_workers; i++) {
		struct sf_worker *w = &eng->en_workers[i];
		struct sf_net *nt = sf_wk_net(w);

		w->wk_eng = eng;
		w->wk_idx = i;
		w->wk_lcore = LCORE_ID_ANY;
		w->wk_ms_tsc = RTE_MAX(rte_get_tsc_hz() / MS_PER_S, (uint64_t)1);
		w->wk_tsc0 = rte_rdtsc();
		w->wk_next_tick_tsc = w->wk_tsc0 + w->wk_ms_tsc;
		nt->nt_ports = eng->en_ports;
		nt->nt_rt = &eng->en_rt;
		nt->nt_icmp_conf = &eng->en_icmp;
		nt->nt_neigh = eng->en_neigh;
		nt->nt_pool = p->pool;
		nt->nt_now = 0;
		nt->nt_seed = et->et_hash_seed;
		nt->nt_idx = i;
		nt->nt_socket = p->socket_id;
		nt->nt_drain_tsc = (rte_get_tsc_hz() + US_PER_S - 1) /
			US_PER_S * eng->en_tx_drain_us;
		memset(nt->nt_qidx, UINT8_MAX, sizeof(nt->nt_qidx));
		sf_icmp_err_init(nt);
		w->wk_tcp.wt_et = et;
		w->wk_tcp.wt_conn_ops = &sf_conn_ops_inline;
		et->et_wt[i] = &w->wk_tcp;
		if (sf_tcp_init(&w->wk_tcp) != 0 ||
		    sf_wconnect_init(w, SF_CONNECT_RING_SIZE,
			    p->socket_id) != 0 ||
		    rte_rcu_qsbr_thread_register(et->et_qsbr, i) != 0)
			return -ENOMEM;
	}
	return 0;
}

static void
sf_engine_workers_term(struct sf_engine *eng)
{
	unsigned int i;

	for (i = 0; eng->en_workers != NULL && i < eng->en_nb_workers; i++) {
		struct sf_worker *w = &eng->en_workers[i];

		sf_wconnect_fini(w);
		sf_tcp_fini(&w->wk_tcp);
		sf_net_queue_fini(sf_wk_net(w));
	}
	rte_free(eng->en_workers);
	rte_free(eng->en_tcp.et_wt);
	eng->en_workers = NULL;
	eng->en_tcp.et_wt = NULL;
	eng->en_tcp.et_nb_workers = 0;
}

/* Backend pools (lib/proxy/): added later, checked from the clocks. */
static int
sf_engine_proxy_init(struct sf_engine *eng, const struct sf_engine_params *p)
{
	return sf_proxy_init(&eng->en_proxy, p->socket_id);
}

static void
sf_engine_proxy_term(struct sf_engine *eng)
{
	sf_proxy_fini(&eng->en_proxy);
}

/*
 * Application contexts, and where every context's counters are (the
 * listener counters are summed and reset over them all). Connections go
 * up inline, or over the application contexts' rings.
 */
static int
sf_engine_apps_init(struct sf_engine *eng, const struct sf_engine_params *p)
{
	struct sf_etcp *et = &eng->en_tcp;
	unsigned int i, n = p->nb_workers + p->nb_apps;
	int ret;

	ret = sf_apps_init(&eng->en_apps, et, p->nb_apps, p->nb_workers,
		eng->en_accept_ring_size, p->socket_id);
	if (ret != 0)
		return ret;
	et->et_stats = rte_zmalloc_socket("sf_stats_of",
			sizeof(*et->et_stats) * n, 0, p->socket_id);
	if (et->et_stats == NULL)
		return -ENOMEM;
	for (i = 0; i < p->nb_workers; i++)
		et->et_stats[i] = &sf_wk_net(&eng->en_workers[i])->nt_st;
	for (i = 0; i < p->nb_apps; i++)
		et->et_stats[p->nb_workers + i] = &eng->en_apps.ap_ctx[i].ac_st;
	et->et_nb_stats = n;
	for (i = 0; i < p->nb_workers && p->nb_apps != 0; i++) {
		sf_apps_attach(&eng->en_apps, i);
		eng->en_workers[i].wk_app = &eng->en_apps.ap_w[i];
	}
	return 0;
}

static void
sf_engine_apps_term(struct sf_engine *eng)
{
	unsigned int i;

	for (i = 0; eng->en_workers != NULL && i < eng->en_nb_workers; i++) {
		eng->en_workers[i].wk_app = NULL;
		eng->en_workers[i].wk_tcp.wt_conn_ops = &sf_conn_ops_inline;
		eng->en_workers[i].wk_tcp.wt_up = NULL;
		eng->en_workers[i].wk_tcp.wt_snd_freed = NULL;
	}
	rte_free(eng->en_tcp.et_stats);
	eng->en_tcp.et_stats = NULL;
	eng->en_tcp.et_nb_stats = 0;
	sf_apps_fini(&eng->en_apps);
}

/*
 * The route table: its side array now, each family's LPM with its first
 * route (sf_route.c).
 */
static int
sf_engine_routes_init(struct sf_engine *eng, const struct sf_engine_params *p)
{
	return sf_route_init(&eng->en_rt, p->max_routes, p->socket_id);
}

static void
sf_engine_routes_term(struct sf_engine *eng)
{
	sf_route_fini(&eng->en_rt);
}

/* Software steering is set up later (sf_engine_steer()); freed here. */
static int
sf_engine_steer_init(struct sf_engine *eng, const struct sf_engine_params *p)
{
	sf_rss_init();
	return 0;
}

/*
 * Engine create and free, step by step: each step builds on the ones
 * before it, and free takes down the steps done, last first (as DPVS's
 * init table). A create that fails takes down what it had built.
 */
static const struct {
	const char *name;
	int (*init)(struct sf_engine *eng, const struct sf_engine_params *p);
	void (*term)(struct sf_engine *eng);
} sf_engine_steps[] = {
	{ "icmp", sf_engine_icmp_init, NULL },
	{ "routes", sf_engine_routes_init, sf_engine_routes_term },
	{ "tcp", sf_engine_tcp_init, sf_engine_tcp_term },
	{ "neigh", sf_engine_neigh_init, sf_engine_neigh_term },
	{ "workers", sf_engine_workers_init, sf_engine_workers_term },
	{ "apps", sf_engine_apps_init, sf_engine_apps_term },
	{ "proxy", sf_engine_proxy_init, sf_engine_proxy_term },
	{ "steering", sf_engine_steer_init, sf_steer_fini },
};

static void
sf_engine_term(struct sf_engine *eng)
{
	while (eng->en_init_done > 0) {
		eng->en_init_done--;
		if (sf_engine_steps[eng->en_init_done].term != NULL)
			sf_engine_steps[eng->en_init_done].term(eng);
	}
}

struct sf_engine *
sf_engine_create(const struct sf_engine_params *params)
{
	struct sf_engine *eng;
	unsigned int i;
	int ret;

	if (params == NULL || params->nb_workers == 0 ||
	    params->nb_workers > RTE_MAX_LCORE ||
	    params->nb_apps > SF_MAX_APPS) {
		rte_errno = EINVAL;
		return NULL;
	}
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
	sf_listener_params_init(&eng->en_ls_defaults);
	for (i = 0; i < RTE_DIM(sf_engine_steps); i++) {
		ret = sf_engine_steps[i].init(eng, params);
		if (ret != 0) {
			SF_ENGINE_LOG(ERR, "engine create: %s: %s",
				sf_engine_steps[i].name, strerror(-ret));
			sf_engine_drain(eng);
			sf_engine_term(eng);
			rte_free(eng);
			rte_errno = -ret;
			return NULL;
		}
		eng->en_init_done = i + 1;
	}
	return eng;
}

void
sf_engine_free(struct sf_engine *eng)
{
	if (eng == NULL)
		return;
	__atomic_compare_exchange_n(&sf_tel_engine, &(struct sf_engine *){eng},
		NULL, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	/* Rings, tx buffers and queued data first: mbufs go home. */
	sf_engine_drain(eng);
	sf_engine_term(eng);
	rte_free(eng);
}

int
sf_engine_port_add(struct sf_engine *eng, uint16_t port_id,
		const struct sf_port_conf *conf)
{
	struct sf_port *pt;
	unsigned int i;

	if (eng == NULL || conf == NULL || port_id >= RTE_MAX_ETHPORTS)
		return -EINVAL;
	pt = &eng->en_ports[port_id];
	if (pt->pt_present)
		return -EEXIST;
	pt->pt_present = true;
	pt->pt_id = port_id;
	pt->pt_mac = conf->mac;
	pt->pt_tx_ip4_cksum = !!(conf->tx_offloads &
			RTE_ETH_TX_OFFLOAD_IPV4_CKSUM);
	pt->pt_tx_tcp_cksum = !!(conf->tx_offloads &
			RTE_ETH_TX_OFFLOAD_TCP_CKSUM);
	pt->pt_tx_multiseg = !!(conf->tx_offloads &
			RTE_ETH_TX_OFFLOAD_MULTI_SEGS);
	pt->pt_rx_ip4_cksum = !!(conf->rx_offloads &
			RTE_ETH_RX_OFFLOAD_IPV4_CKSUM);
	pt->pt_rx_tcp_cksum = !!(conf->rx_offloads &
			RTE_ETH_RX_OFFLOAD_TCP_CKSUM);
	pt->pt_mtu = conf->mtu != 0 ? conf->mtu : RTE_ETHER_MTU;
	/*
	 * Which worker the replies of a flow reach, for the local ports of
	 * active opens (sf_portsel.c): entry i to worker i mod workers, the
	 * default RETA of a NIC with one queue per worker hashing with
	 * sf_rss_key (and software steering's table, sf_engine_steer()).
	 */
	for (i = 0; i < SF_STEER_RETA_SIZE; i++)
		pt->pt_reta[i] = (uint16_t)(i % eng->en_nb_workers);
	sf_port_reta_done(pt);
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
	int ret;

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
		ret = sf_route_connected_add(&eng->en_rt, port_id, a);
		if (ret != 0)
			return ret;
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
		ret = sf_route_connected_add(&eng->en_rt, port_id, a);
		if (ret != 0)
			return ret;
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

int
sf_engine_route_add(struct sf_engine *eng, const struct sf_addr *prefix,
		const struct sf_addr *gw, uint16_t port)
{
	if (eng == NULL)
		return -EINVAL;
	return sf_route_static_add(&eng->en_rt, eng->en_ports, prefix, gw,
			port);
}

unsigned int
sf_engine_route_count(const struct sf_engine *eng)
{
	return eng == NULL ? 0 : eng->en_rt.rt_nb;
}

int
sf_engine_route_get(const struct sf_engine *eng, unsigned int i,
		struct sf_route_info *out)
{
	if (eng == NULL || out == NULL)
		return -EINVAL;
	return sf_route_get(&eng->en_rt, i, out);
}

int
sf_engine_route_lookup(const struct sf_engine *eng,
		const struct sf_addr *dst, struct sf_route_hop *out)
{
	if (eng == NULL || dst == NULL || out == NULL)
		return -EINVAL;
	return sf_route_lookup(&eng->en_rt, dst->family,
			dst->family == AF_INET ? (const void *)&dst->v4 :
			(const void *)dst->v6, out);
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

int
sf_engine_port_rss(struct sf_engine *eng, uint16_t port_id,
		const uint16_t *workers, unsigned int size)
{
	struct sf_port *pt;
	unsigned int i;

	if (sf_engine_port(eng, port_id) == NULL)
		return -EINVAL;
	pt = &eng->en_ports[port_id];
	if (workers == NULL || size < 64 ||
	    size > SF_STEER_RETA_SIZE || (size & (size - 1)) != 0)
		return -EINVAL;
	for (i = 0; i < size; i++)
		if (workers[i] >= eng->en_nb_workers)
			return -EINVAL;
	for (i = 0; i < SF_STEER_RETA_SIZE; i++)
		pt->pt_reta[i] = workers[i & (size - 1)];
	sf_port_reta_done(pt);
	return 0;
}

int
sf_worker_queue_add(struct sf_worker *w, uint16_t port_id, uint16_t queue_id)
{
	if (w == NULL || sf_engine_port(w->wk_eng, port_id) == NULL)
		return -EINVAL;
	return sf_net_queue_add(sf_wk_net(w), port_id, queue_id);
}

unsigned int
sf_worker_queue_count(const struct sf_worker *w)
{
	return w->wk_tcp.wt_net.nt_nb_queues;
}

/*
 * Receive dispatch: every frame through sf_input_one(); replies leave
 * on this worker's tx queue of the port, or over the tx hand-off.
 */
uint16_t
sf_worker_input(struct sf_worker *w, uint16_t port_id,
		struct rte_mbuf **pkts, uint16_t n)
{
	struct sf_worker *prev = RTE_PER_LCORE(sf_wk_cur);
	struct sf_net *nt = sf_wk_net(w);
	const struct sf_wqueue *q;
	uint16_t i;

	/* Callbacks run here run on the owning worker (also when an
	 * embedding program calls this rather than sf_worker_poll()). */
	RTE_PER_LCORE(sf_app_cur) = NULL;
	RTE_PER_LCORE(sf_wk_cur) = w;
	sf_count_n(nt, SF_CNT_rx_packets, n);
	/* Checked once per burst so sf_input_one() can index the table. */
	if (unlikely(port_id >= RTE_MAX_ETHPORTS ||
		     !w->wk_eng->en_ports[port_id].pt_present)) {
		rte_pktmbuf_free_bulk(pkts, n);
		sf_count_n(nt, SF_CNT_drop_unknown_port, n);
		RTE_PER_LCORE(sf_wk_cur) = prev;
		return n;
	}
	q = sf_net_txq(nt, port_id);
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
			sf_net_handoff(nt, port_id, m);
			continue;
		}
		sf_net_txq_send(nt, q, m);
	}
	RTE_PER_LCORE(sf_wk_cur) = prev;
	return n;
}

void
sf_worker_flush(struct sf_worker *w)
{
	sf_net_flush(sf_wk_net(w));
}

void
sf_worker_clock(struct sf_worker *w, uint32_t now)
{
	struct sf_worker *prev = RTE_PER_LCORE(sf_wk_cur);

	RTE_PER_LCORE(sf_wk_cur) = w;
	sf_wk_net(w)->nt_now = now;
	sf_tcp_clock(&w->wk_tcp);
	sf_neigh_clock(sf_wk_net(w));
	sf_proxy_clock(&w->wk_eng->en_proxy, &w->wk_tcp, w->wk_idx,
		w->wk_eng->en_nb_workers);
	RTE_PER_LCORE(sf_wk_cur) = prev;
}

/*
 * The top of every worker poll: a quiescent state (the worker holds no
 * listener from its last poll), then the listener generation; when it
 * moved, drop what this worker holds of removed listeners.
 */
void
sf_worker_sync(struct sf_worker *w)
{
	struct sf_etcp *et = &w->wk_eng->en_tcp;
	uint32_t g;

	if (unlikely(!w->wk_online)) {
		rte_rcu_qsbr_thread_online(et->et_qsbr, w->wk_idx);
		w->wk_online = true;
	}
	rte_rcu_qsbr_quiescent(et->et_qsbr, w->wk_idx);
	g = __atomic_load_n(&et->et_ls_gen, __ATOMIC_ACQUIRE);
	if (unlikely(g != w->wk_ls_gen)) {
		sf_tcp_purge(&w->wk_tcp);
		w->wk_ls_gen = g;
	}
}

uint16_t
sf_worker_poll(struct sf_worker *w)
{
	struct rte_mbuf *pkts[SF_RX_BURST];
	struct sf_net *nt = sf_wk_net(w);
	uint16_t nb, total = 0;
	unsigned int i;
	uint32_t now;
	uint64_t tsc, end;

	if (unlikely(w->wk_lcore == LCORE_ID_ANY))
		w->wk_lcore = rte_lcore_id();
	/*
	 * Whatever this lcore ran before, the callbacks of this poll (timers
	 * included) run on the owning worker: their closes act at once.
	 */
	RTE_PER_LCORE(sf_app_cur) = NULL;
	sf_worker_sync(w);
	/*
	 * The ms clock of timers and timestamps; the wheel runs per tick.
	 * The division is done once per tick, not once per poll: between
	 * ticks a compare against the next tick's TSC is enough.
	 */
	tsc = rte_rdtsc();
	nt->nt_tsc = tsc;
	if (unlikely(tsc >= w->wk_next_tick_tsc)) {
		now = (uint32_t)((tsc - w->wk_tsc0) / w->wk_ms_tsc);
		w->wk_next_tick_tsc = w->wk_tsc0 +
			((uint64_t)now + 1) * w->wk_ms_tsc;
		if (now != nt->nt_now)
			sf_worker_clock(w, now);
	}
	for (i = 0; i < nt->nt_nb_queues; i++) {
		const struct sf_wqueue *q = &nt->nt_q[i];

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
	if (w->wk_app != NULL)
		sf_app_cmd_poll(w->wk_app);
	if (unlikely(!rte_ring_empty(w->wk_conn_r))) {
		RTE_PER_LCORE(sf_wk_cur) = w;
		sf_wconnect_poll(w);
		RTE_PER_LCORE(sf_wk_cur) = NULL;
	}
	/*
	 * Busy polls (frames came) against all polls, in TSC cycles: the
	 * share of the core that did work, whatever the TSC's rate.
	 */
	end = rte_rdtsc();
	sf_count_n(nt, SF_CNT_poll_cycles, end - tsc);
	if (total != 0)
		sf_count_n(nt, SF_CNT_poll_busy_cycles, end - tsc);
	if (total == 0 || end - nt->nt_last_flush > nt->nt_drain_tsc)
		sf_net_flush(nt);
	return total;
}

void
sf_worker_stop(struct sf_worker *w)
{
	sf_net_flush(sf_wk_net(w));
	if (w->wk_online) {
		rte_rcu_qsbr_thread_offline(w->wk_eng->en_tcp.et_qsbr,
			w->wk_idx);
		w->wk_online = false;
	}
}

void
sf_engine_drain(struct sf_engine *eng)
{
	unsigned int i;

	sf_steer_drain(eng);
	sf_apps_drain(&eng->en_apps);
	for (i = 0; eng->en_workers != NULL && i < eng->en_nb_workers; i++) {
		struct sf_worker *w = &eng->en_workers[i];

		sf_net_tx_drain(sf_wk_net(w));
		sf_tcp_drain(&w->wk_tcp);
	}
	if (eng->en_neigh != NULL)
		sf_neigh_fini(eng->en_neigh);   /* frames awaiting resolution */
}

/* The counters of context idx: a worker's, or an application's. */
static const struct sf_stats *
sf_engine_stats(const struct sf_engine *eng, unsigned int idx)
{
	return eng->en_tcp.et_stats[idx];
}

void
sf_engine_counters(const struct sf_engine *eng, uint64_t *out)
{
	unsigned int i, c;

	memset(out, 0, sizeof(*out) * SF_CNT_MAX);
	for (i = 0; i < eng->en_nb_workers + eng->en_nb_apps; i++)
		for (c = 0; c < SF_CNT_MAX; c++)
			out[c] += sf_stats_get(sf_engine_stats(eng, i),
				(enum sf_counter)c);
}

int
sf_engine_worker_counters(const struct sf_engine *eng, unsigned int idx,
		uint64_t *out)
{
	unsigned int c;

	if (eng == NULL || idx >= eng->en_nb_workers + eng->en_nb_apps)
		return -EINVAL;
	for (c = 0; c < SF_CNT_MAX; c++)
		out[c] = sf_stats_get(sf_engine_stats(eng, idx),
			(enum sf_counter)c);
	return 0;
}

int
sf_engine_worker_lcore(const struct sf_engine *eng, unsigned int idx)
{
	if (eng == NULL || idx >= eng->en_nb_workers + eng->en_nb_apps)
		return -EINVAL;
	if (idx < eng->en_nb_workers)
		return (int)eng->en_workers[idx].wk_lcore;
	return (int)eng->en_apps.ap_ctx[idx - eng->en_nb_workers].ac_lcore;
}

unsigned int
sf_engine_app_count(const struct sf_engine *eng)
{
	return eng->en_nb_apps;
}

struct sf_app_ctx *
sf_engine_app(struct sf_engine *eng, unsigned int idx)
{
	if (eng == NULL || idx >= eng->en_nb_apps)
		return NULL;
	return &eng->en_apps.ap_ctx[idx];
}

void
sf_engine_tx_hook(struct sf_engine *eng,
		void (*hook)(struct sf_net *nt, uint16_t port_id,
			struct rte_mbuf *m))
{
	unsigned int i;

	for (i = 0; i < eng->en_nb_workers; i++)
		sf_wk_net(&eng->en_workers[i])->nt_tx_hook = hook;
}

/*
 * The listener table's public calls (sf_tcp.h): the TCP layer's, on this
 * engine's table.
 */
/* A proxy listener names a pool that exists; a PROXY header 0, 1 or 2. */
static bool
sf_engine_proxy_ok(const struct sf_engine *eng,
		const struct sf_listener_params *p)
{
	if (p == NULL)
		return true;     /* sf_ltab_*() refuse it */
	if (p->proxy_protocol > 2)
		return false;
	return !p->proxy || p->pool < eng->en_proxy.px_nb_pools;
}

/*
 * A proxy listener's connections go to the splice, never up: its
 * callbacks are dropped (TCP tells a proxy listener by on_accept NULL
 * first, so the third ACK of every other listener pays nothing for it).
 */
static const struct sf_listener_params *
sf_engine_proxy_params(const struct sf_listener_params *p,
		struct sf_listener_params *lp)
{
	if (p == NULL || !p->proxy)
		return p;
	*lp = *p;
	lp->on_accept = NULL;
	lp->on_close = NULL;
	lp->on_data = NULL;
	lp->on_writable = NULL;
	return lp;
}

int
sf_engine_listen(struct sf_engine *eng, const struct sf_listener_params *p)
{
	struct sf_listener_params lp;

	if (eng == NULL || !sf_engine_proxy_ok(eng, p))
		return -EINVAL;
	return sf_ltab_listen(&eng->en_tcp, sf_engine_proxy_params(p, &lp));
}

int
sf_engine_listen_update(struct sf_engine *eng, unsigned int id,
		const struct sf_listener_params *p)
{
	struct sf_listener_params lp;

	if (eng == NULL || !sf_engine_proxy_ok(eng, p))
		return -EINVAL;
	return sf_ltab_update(&eng->en_tcp, id, sf_engine_proxy_params(p, &lp));
}

int
sf_engine_unlisten(struct sf_engine *eng, unsigned int id)
{
	return eng == NULL ? -EINVAL : sf_ltab_unlisten(&eng->en_tcp, id);
}

int
sf_engine_listener_find(const struct sf_engine *eng,
		const struct sf_addr *addr, uint16_t port)
{
	return eng == NULL ? -ENOENT : sf_ltab_find(&eng->en_tcp, addr, port);
}

unsigned int
sf_engine_listener_count(const struct sf_engine *eng)
{
	return sf_ltab_count(&eng->en_tcp);
}

int
sf_engine_listener_get(const struct sf_engine *eng, unsigned int id,
		struct sf_listener_params *out)
{
	return eng == NULL ? -EINVAL : sf_ltab_get(&eng->en_tcp, id, out);
}

int
sf_engine_listener_state(const struct sf_engine *eng, unsigned int id,
		struct sf_listener_state *out)
{
	return eng == NULL ? -EINVAL : sf_ltab_state(&eng->en_tcp, id, out);
}

void
sf_engine_listen_defaults(struct sf_engine *eng,
		const struct sf_listener_params *p, sf_listen_key_cb_t cb,
		void *arg)
{
	rte_spinlock_lock(&eng->en_tcp.et_lock);
	eng->en_ls_defaults = *p;
	eng->en_ls_key_cb = cb;
	eng->en_ls_key_arg = arg;
	rte_spinlock_unlock(&eng->en_tcp.et_lock);
}
