/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * Backend pools, public side (sf_proxy.h): the calls that add them
 * (before the workers poll), read them, and /synfront/backends, which
 * sums up every pool, or lists one with its backends' health as the
 * checks left it (read with relaxed loads: a racy but memory-safe snapshot; the
 * pools live as long as the engine).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "sf_engine_pvt.h"

int
sf_engine_pool_add(struct sf_engine *eng, const struct sf_pool_params *p)
{
	int ret;

	if (eng == NULL || p == NULL)
		return -EINVAL;
	/*
	 * Every worker has its pairs and the splice before a pool exists that
	 * a proxy listener could name (the first pool makes them).
	 */
	ret = sf_proxy_workers_init(&eng->en_proxy, eng->en_tcp.et_wt,
		eng->en_nb_workers, eng->en_workers[0].wk_tcp.wt_net.nt_socket);
	if (ret != 0)
		return ret;
	return sf_proxy_pool_add(&eng->en_proxy, p);
}

void
sf_proxy_params_init(struct sf_proxy_params *p)
{
	memset(p, 0, sizeof(*p));
	p->idle_ms = SF_PX_IDLE_MS_DEFAULT;
	p->fin_idle_ms = SF_PX_FIN_IDLE_MS_DEFAULT;
	p->syn_retries = 3;
	p->syn_timeout_ms = 1000;
}

int
sf_engine_proxy_set(struct sf_engine *eng, const struct sf_proxy_params *p)
{
	struct sf_proxy *px;

	if (eng == NULL || p == NULL || p->idle_ms < 1000 ||
	    p->fin_idle_ms < 1000 || p->syn_retries == 0 ||
	    p->syn_retries > 10 ||
	    p->syn_timeout_ms == 0 || p->syn_timeout_ms > 120000)
		return -EINVAL;
	px = &eng->en_proxy;
	px->px_idle_ms = p->idle_ms;
	px->px_fin_idle_ms = p->fin_idle_ms;
	px->px_retries = p->retries;
	px->px_syn_retries = p->syn_retries;
	px->px_syn_timeout_ms = p->syn_timeout_ms;
	return 0;
}

int
sf_engine_backend_add(struct sf_engine *eng, unsigned int pool,
		const struct sf_addr *addr, uint16_t port, unsigned int weight)
{
	if (eng == NULL || addr == NULL)
		return -EINVAL;
	return sf_proxy_backend_add(&eng->en_proxy, pool, addr, port, weight);
}

unsigned int
sf_engine_pool_count(const struct sf_engine *eng)
{
	return eng != NULL ? eng->en_proxy.px_nb_pools : 0;
}

static const struct sf_bpool *
sf_pool_of(const struct sf_engine *eng, unsigned int id)
{
	if (eng == NULL || id >= eng->en_proxy.px_nb_pools)
		return NULL;
	return &eng->en_proxy.px_pools[id];
}

int
sf_engine_pool_get(const struct sf_engine *eng, unsigned int id,
		struct sf_pool_params *out)
{
	const struct sf_bpool *bp = sf_pool_of(eng, id);

	if (bp == NULL || out == NULL)
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	out->sched = bp->bp_sched == SF_BP_HASH ? SF_POOL_HASH : SF_POOL_RR;
	out->rise = bp->bp_rise;
	out->fall = bp->bp_fall;
	out->check_ms = bp->bp_check_ms;
	out->check_timeout_ms = bp->bp_check_timeout_ms;
	return 0;
}

int
sf_engine_pool_backends(const struct sf_engine *eng, unsigned int id)
{
	const struct sf_bpool *bp = sf_pool_of(eng, id);

	return bp == NULL ? -ENOENT : (int)bp->bp_nb;
}

int
sf_engine_backend_get(const struct sf_engine *eng, unsigned int pool,
		unsigned int i, struct sf_backend_info *out)
{
	const struct sf_bpool *bp = sf_pool_of(eng, pool);
	const struct sf_backend *be;

	if (bp == NULL || out == NULL || i >= bp->bp_nb)
		return -ENOENT;
	be = &bp->bp_be[i];
	memset(out, 0, sizeof(*out));
	out->addr = be->be_addr;
	out->port = be->be_port;
	out->weight = be->be_weight;
	out->up = sf_backend_up(be);
	out->checks = __atomic_load_n(&be->be_checks, __ATOMIC_RELAXED);
	out->check_fails = __atomic_load_n(&be->be_check_fails,
		__ATOMIC_RELAXED);
	out->changes = __atomic_load_n(&be->be_changes, __ATOMIC_RELAXED);
	out->conns = __atomic_load_n(&be->be_conns, __ATOMIC_RELAXED);
	out->errors = __atomic_load_n(&be->be_errors, __ATOMIC_RELAXED);
	return 0;
}

/*
 * One pool: its settings, the backends and how many are up, and with
 * full a dictionary per backend ("backend<i>": its address, state,
 * weight, checks).
 * Telemetry nests containers one level deep: the list of every pool
 * gives the summary of each.
 */
static void
sf_pools_tel_pool(const struct sf_engine *eng, unsigned int id, bool full,
		struct rte_tel_data *d)
{
	struct sf_pool_params pp;
	struct sf_backend_info bi;
	char key[64];
	unsigned int i, up = 0;

	rte_tel_data_start_dict(d);
	/* The callers list live pools; a pool gone meanwhile says so. */
	if (sf_engine_pool_get(eng, id, &pp) != 0) {
		rte_tel_data_add_dict_string(d, "error", "no such pool");
		return;
	}
	rte_tel_data_add_dict_string(d, "sched",
		pp.sched == SF_POOL_HASH ? "hash" : "rr");
	rte_tel_data_add_dict_u64(d, "rise", pp.rise);
	rte_tel_data_add_dict_u64(d, "fall", pp.fall);
	rte_tel_data_add_dict_u64(d, "check_ms", pp.check_ms);
	rte_tel_data_add_dict_u64(d, "check_timeout_ms", pp.check_timeout_ms);
	for (i = 0; sf_engine_backend_get(eng, id, i, &bi) == 0; i++) {
		struct rte_tel_data *b;

		up += bi.up;
		if (!full)
			continue;
		b = rte_tel_data_alloc();
		if (b == NULL)
			break;
		sf_addr_port_format(&bi.addr, bi.port, key, sizeof(key));
		rte_tel_data_start_dict(b);
		rte_tel_data_add_dict_string(b, "addr", key);
		rte_tel_data_add_dict_string(b, "state", bi.up ? "up" : "down");
		rte_tel_data_add_dict_u64(b, "weight", bi.weight);
		rte_tel_data_add_dict_u64(b, "checks", bi.checks);
		rte_tel_data_add_dict_u64(b, "check_fails", bi.check_fails);
		rte_tel_data_add_dict_u64(b, "changes", bi.changes);
		rte_tel_data_add_dict_u64(b, "conns", bi.conns);
		rte_tel_data_add_dict_u64(b, "errors", bi.errors);
		/* Telemetry's keys take no ':' : backend<i>, with "addr". */
		snprintf(key, sizeof(key), "backend%u", i);
		rte_tel_data_add_dict_container(d, key, b, 0);
	}
	rte_tel_data_add_dict_u64(d, "backends", i);
	rte_tel_data_add_dict_u64(d, "up", up);
}

/* /synfront/backends[,POOL]: every pool (by id), or pool POOL. */
static int
sf_pools_tel(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct sf_engine *eng = __atomic_load_n(&sf_tel_engine,
		__ATOMIC_ACQUIRE);
	unsigned long id;
	unsigned int i;
	char *end, key[16];

	RTE_SET_USED(cmd);
	if (eng == NULL)
		return -ENODEV;
	if (params != NULL && *params != '\0') {
		id = strtoul(params, &end, 10);
		if (*end != '\0' || id >= sf_engine_pool_count(eng))
			return -EINVAL;
		sf_pools_tel_pool(eng, (unsigned int)id, true, d);
		return 0;
	}
	rte_tel_data_start_dict(d);
	for (i = 0; i < sf_engine_pool_count(eng); i++) {
		struct rte_tel_data *p = rte_tel_data_alloc();

		if (p == NULL)
			break;
		sf_pools_tel_pool(eng, i, false, p);
		snprintf(key, sizeof(key), "pool%u", i);
		rte_tel_data_add_dict_container(d, key, p, 0);
	}
	return 0;
}

/*
 * /synfront/proxy: Linux SYNPROXY's counters (/proc/net/stat/synproxy)
 * under their names, from the engine's, and the pairs by state: a racy
 * scan of every worker's pairs (each field read once, as /proc/net/tcp).
 */
static int
sf_proxy_tel(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct sf_engine *eng = __atomic_load_n(&sf_tel_engine,
		__ATOMIC_ACQUIRE);
	const struct sf_proxy *px;
	uint64_t c[SF_CNT_MAX];
	uint64_t connecting = 0, spliced = 0, half = 0;
	unsigned int w, i;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	if (eng == NULL)
		return -ENODEV;
	px = &eng->en_proxy;
	sf_engine_counters(eng, c);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "syn_received",
		c[SF_CNT_syn_recv] + c[SF_CNT_syncookies_sent]);
	rte_tel_data_add_dict_u64(d, "cookie_invalid",
		c[SF_CNT_syncookies_failed]);
	rte_tel_data_add_dict_u64(d, "cookie_valid", c[SF_CNT_syncookies_recv]);
	rte_tel_data_add_dict_u64(d, "cookie_retrans",
		c[SF_CNT_synack_retrans]);
	rte_tel_data_add_dict_u64(d, "conn_reopened", c[SF_CNT_tw_recycled]);
	for (w = 0; px->px_w != NULL && w < px->px_nb_w; w++) {
		const struct sf_pair *pp = px->px_w[w].pw_pairs;
		unsigned int cap = px->px_wt[w]->wt_conntab.ft_cap;

		for (i = 0; i < cap; i++) {
			uint8_t st = __atomic_load_n(&pp[i].pr_state,
				__ATOMIC_RELAXED);
			uint8_t f = __atomic_load_n(&pp[i].pr_flags,
				__ATOMIC_RELAXED);

			if (st == SF_PR_CONNECTING)
				connecting++;
			else if (st == SF_PR_UP && (f & (SF_PRF_CFIN |
					SF_PRF_BFIN)))
				half++;
			else if (st == SF_PR_UP)
				spliced++;
		}
	}
	rte_tel_data_add_dict_u64(d, "pairs_connecting", connecting);
	rte_tel_data_add_dict_u64(d, "pairs_spliced", spliced);
	rte_tel_data_add_dict_u64(d, "pairs_half_closed", half);
	for (i = SF_CNT_proxy_accepts; i <= SF_CNT_proxy_idle_timeouts; i++)
		rte_tel_data_add_dict_u64(d, sf_counter_name(i), c[i]);
	return 0;
}

int
sf_pools_register(void)
{
	int ret = rte_telemetry_register_cmd("/synfront/backends",
		sf_pools_tel,
		"backend pools and their health. Parameters: [int pool]");

	if (ret == 0)
		ret = rte_telemetry_register_cmd("/synfront/proxy",
			sf_proxy_tel,
			"SYN proxy: SYNPROXY's counters, pairs by state");
	return ret;
}
