/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * DPDK telemetry commands (read with dpdk-telemetry.py):
 *   /synfront/stats        counters summed over the workers
 *   /synfront/lcores       per-worker split: a column per counter
 *   /synfront/ports[,N]    all ports as columns, or port N in full
 *   /synfront/listeners[,N] every listener (settings, queue lengths,
 *                          counters), or listener N
 *   /synfront/cookie_rotate[,HEX] replace the SYN-cookie secret with 32
 *                          hex digits (or a random one); the old one
 *                          validates for one more minute
 *   /synfront/listen,[ADDR:]PORT[,KEY=VALUE...] add a listener, or change
 *                          the settings of the one on ADDR:PORT
 *   /synfront/unlisten,[ADDR:]PORT remove a listener
 *   /synfront/routes[,ADDR] routes (as `ip route`), or where ADDR goes
 *   /synfront/conns[,W[:N]] connections by state and the first ones
 *                          (of worker W), or connection N of worker W in
 *                          full (what ss -ti shows)
 *   /synfront/connect,ADDR:PORT[,TIMEOUT_MS] a TCP reachability probe
 *                          (sf_probe.c)
 *   /synfront/backends[,POOL] backend pools and their health (sf_pools.c)
 *   /synfront/proxy        the SYN proxy: SYNPROXY's counters by their
 *                          names, pairs by state (sf_pools.c)
 * The callbacks run on the telemetry thread: they read the per-lcore
 * counters with atomic loads; cookie_rotate writes the cookie secret,
 * which the workers read under its sequence lock; listen and unlisten
 * change the listener table under RCU (sf_listen.c); conns reads the
 * workers' connections with no lock, a racy snapshot (sf_conn_stat.c).
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_telemetry.h>

#include "sf_engine_pvt.h"

/*
 * The registered engine. Telemetry has no unregister call, so
 * sf_engine_free() clears this and the callbacks answer -ENODEV after.
 */
struct sf_engine *sf_tel_engine;

static struct sf_engine *
sf_tel_get(void)
{
	return __atomic_load_n(&sf_tel_engine, __ATOMIC_ACQUIRE);
}

static int
sf_tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct sf_engine *eng = sf_tel_get();
	uint64_t c[SF_CNT_MAX];
	unsigned int i;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	if (eng == NULL)
		return -ENODEV;
	sf_engine_counters(eng, c);
	rte_tel_data_start_dict(d);
	for (i = 0; i < SF_CNT_MAX; i++)
		rte_tel_data_add_dict_u64(d, sf_counter_name(i), c[i]);
	return 0;
}

static int
sf_tel_lcores(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct sf_engine *eng = sf_tel_get();
	unsigned int n, i, c;
	uint64_t *v;
	struct rte_tel_data *col;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	if (eng == NULL)
		return -ENODEV;
	n = sf_engine_context_count(eng);
	v = calloc((size_t)n * SF_CNT_MAX, sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		sf_engine_worker_counters(eng, i, v + (size_t)i * SF_CNT_MAX);
	rte_tel_data_start_dict(d);
	col = rte_tel_data_alloc();
	if (col != NULL) {
		rte_tel_data_start_array(col, RTE_TEL_INT_VAL);
		for (i = 0; i < n; i++)
			rte_tel_data_add_array_int(col,
				sf_engine_worker_lcore(eng, i));
		rte_tel_data_add_dict_container(d, "lcore", col, 0);
	}
	/* "worker" or "app": application contexts follow the workers. */
	col = rte_tel_data_alloc();
	if (col != NULL) {
		rte_tel_data_start_array(col, RTE_TEL_STRING_VAL);
		for (i = 0; i < n; i++)
			rte_tel_data_add_array_string(col,
				i < eng->en_nb_workers ? "worker" : "app");
		rte_tel_data_add_dict_container(d, "role", col, 0);
	}
	for (c = 0; c < SF_CNT_MAX; c++) {
		col = rte_tel_data_alloc();
		if (col == NULL)
			break;
		rte_tel_data_start_array(col, RTE_TEL_U64_VAL);
		for (i = 0; i < n; i++)
			rte_tel_data_add_array_u64(col,
				v[(size_t)i * SF_CNT_MAX + c]);
		rte_tel_data_add_dict_container(d, sf_counter_name(c), col, 0);
	}
	free(v);
	return 0;
}

/* One port in full: identity, link, ethdev stats and addresses. */
static int
sf_tel_port(const struct sf_engine *eng, uint16_t port_id,
		struct rte_tel_data *d)
{
	char name[RTE_ETH_NAME_MAX_LEN], buf[64];
	struct rte_tel_data *addrs;
	struct rte_eth_stats st;
	struct rte_eth_link link;
	struct sf_addr a;
	int i, n;

	n = sf_engine_addr_count(eng, port_id);
	if (n < 0)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "port_id", port_id);
	if (rte_eth_dev_get_name_by_port(port_id, name) == 0)
		rte_tel_data_add_dict_string(d, "name", name);
	rte_ether_format_addr(buf, sizeof(buf),
			&eng->en_ports[port_id].pt_mac);
	rte_tel_data_add_dict_string(d, "mac", buf);
	if (rte_eth_link_get_nowait(port_id, &link) == 0) {
		rte_tel_data_add_dict_int(d, "link_up", link.link_status);
		rte_tel_data_add_dict_u64(d, "link_speed_mbps",
				link.link_speed);
	}
	if (rte_eth_stats_get(port_id, &st) == 0) {
		rte_tel_data_add_dict_u64(d, "rx_packets", st.ipackets);
		rte_tel_data_add_dict_u64(d, "tx_packets", st.opackets);
		rte_tel_data_add_dict_u64(d, "rx_bytes", st.ibytes);
		rte_tel_data_add_dict_u64(d, "tx_bytes", st.obytes);
		rte_tel_data_add_dict_u64(d, "rx_missed", st.imissed);
		rte_tel_data_add_dict_u64(d, "rx_errors", st.ierrors);
		rte_tel_data_add_dict_u64(d, "tx_errors", st.oerrors);
		rte_tel_data_add_dict_u64(d, "rx_nombuf", st.rx_nombuf);
	}
	addrs = rte_tel_data_alloc();
	if (addrs != NULL) {
		rte_tel_data_start_array(addrs, RTE_TEL_STRING_VAL);
		for (i = 0; i < n; i++)
			if (sf_engine_addr_get(eng, port_id, i, &a) == 0)
				rte_tel_data_add_array_string(addrs,
					sf_addr_format(&a, buf, sizeof(buf)));
		rte_tel_data_add_dict_container(d, "addresses", addrs, 0);
	}
	return 0;
}

static int
sf_tel_ports(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct sf_engine *eng = sf_tel_get();
	struct rte_tel_data *ids, *names, *links, *rx, *tx;
	char name[RTE_ETH_NAME_MAX_LEN];
	struct rte_eth_stats st;
	struct rte_eth_link link;
	unsigned long v;
	char *end;
	uint16_t p;

	RTE_SET_USED(cmd);
	if (eng == NULL)
		return -ENODEV;
	if (params != NULL && *params != '\0') {
		v = strtoul(params, &end, 10);
		if (*end != '\0' || v >= RTE_MAX_ETHPORTS)
			return -EINVAL;
		return sf_tel_port(eng, (uint16_t)v, d);
	}
	ids = rte_tel_data_alloc();
	names = rte_tel_data_alloc();
	links = rte_tel_data_alloc();
	rx = rte_tel_data_alloc();
	tx = rte_tel_data_alloc();
	if (ids == NULL || names == NULL || links == NULL || rx == NULL ||
	    tx == NULL) {
		rte_tel_data_free(ids);
		rte_tel_data_free(names);
		rte_tel_data_free(links);
		rte_tel_data_free(rx);
		rte_tel_data_free(tx);
		return -ENOMEM;
	}
	rte_tel_data_start_array(ids, RTE_TEL_INT_VAL);
	rte_tel_data_start_array(names, RTE_TEL_STRING_VAL);
	rte_tel_data_start_array(links, RTE_TEL_INT_VAL);
	rte_tel_data_start_array(rx, RTE_TEL_U64_VAL);
	rte_tel_data_start_array(tx, RTE_TEL_U64_VAL);
	for (p = 0; p < RTE_MAX_ETHPORTS; p++) {
		if (!eng->en_ports[p].pt_present)
			continue;
		rte_tel_data_add_array_int(ids, p);
		if (rte_eth_dev_get_name_by_port(p, name) != 0)
			snprintf(name, sizeof(name), "?");
		rte_tel_data_add_array_string(names, name);
		if (rte_eth_link_get_nowait(p, &link) != 0)
			link.link_status = 0;
		rte_tel_data_add_array_int(links, link.link_status);
		if (rte_eth_stats_get(p, &st) != 0)
			memset(&st, 0, sizeof(st));
		rte_tel_data_add_array_u64(rx, st.ipackets);
		rte_tel_data_add_array_u64(tx, st.opackets);
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_container(d, "port_id", ids, 0);
	rte_tel_data_add_dict_container(d, "name", names, 0);
	rte_tel_data_add_dict_container(d, "link_up", links, 0);
	rte_tel_data_add_dict_container(d, "rx_packets", rx, 0);
	rte_tel_data_add_dict_container(d, "tx_packets", tx, 0);
	return 0;
}

/* One listener as a flat dictionary. */
static void
sf_tel_listener_dict(const struct sf_engine *eng, unsigned int id,
		struct rte_tel_data *d)
{
	struct sf_listener_params lp;
	struct sf_listener_state st;
	char buf[64];
	unsigned int c;

	sf_engine_listener_get(eng, id, &lp);
	sf_engine_listener_state(eng, id, &st);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "id", (int)id);
	rte_tel_data_add_dict_string(d, "listen",
		sf_listener_format(&lp, buf, sizeof(buf)));
	rte_tel_data_add_dict_int(d, "port", lp.port);
	rte_tel_data_add_dict_u64(d, "backlog", lp.backlog);
	rte_tel_data_add_dict_u64(d, "syn_backlog", lp.syn_backlog);
	rte_tel_data_add_dict_u64(d, "synack_retries", lp.synack_retries);
	rte_tel_data_add_dict_u64(d, "defer_accept", lp.defer_accept);
	rte_tel_data_add_dict_u64(d, "syncookies", lp.syncookies);
	rte_tel_data_add_dict_u64(d, "keepalive_ms", lp.keepalive_ms);
	rte_tel_data_add_dict_u64(d, "idle_timeout_ms", lp.idle_timeout_ms);
	rte_tel_data_add_dict_u64(d, "synq", st.synq);
	rte_tel_data_add_dict_u64(d, "synq_max", st.synq_max);
	rte_tel_data_add_dict_u64(d, "acceptq", st.acceptq);
	rte_tel_data_add_dict_u64(d, "cookie_lcores", st.cookie_lcores);
	for (c = 0; c < SF_LCNT_MAX; c++)
		rte_tel_data_add_dict_u64(d, sf_lcounter_name(c), st.cnt[c]);
}

static int
sf_tel_listeners(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct sf_engine *eng = sf_tel_get();
	struct sf_listener_params lp;
	unsigned int n, i;
	char key[16];
	char *end;

	RTE_SET_USED(cmd);
	if (eng == NULL)
		return -ENODEV;
	n = sf_engine_listener_count(eng);
	if (params != NULL && *params != '\0') {
		unsigned long id = strtoul(params, &end, 10);

		if (*end != '\0' || id >= n ||
		    sf_engine_listener_get(eng, (unsigned int)id, &lp) != 0)
			return -EINVAL;
		sf_tel_listener_dict(eng, (unsigned int)id, d);
		return 0;
	}
	rte_tel_data_start_dict(d);
	for (i = 0; i < n; i++) {
		struct rte_tel_data *ld;

		/* Removed listeners leave holes in the ids. */
		if (sf_engine_listener_get(eng, i, &lp) != 0)
			continue;
		ld = rte_tel_data_alloc();
		if (ld == NULL)
			return -ENOMEM;
		sf_tel_listener_dict(eng, i, ld);
		snprintf(key, sizeof(key), "%u", i);
		rte_tel_data_add_dict_container(d, key, ld, 0);
	}
	return 0;
}

/* Routes listed by /synfront/routes: a telemetry dictionary's limit. */
#define SF_TEL_ROUTES_MAX 200

/* One route as `ip route` shows it: prefix, via, dev, src, proto. */
static void
sf_tel_route_dict(const struct sf_route_info *ri, struct rte_tel_data *d)
{
	char buf[64];

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "prefix",
		sf_addr_format(&ri->prefix, buf, sizeof(buf)));
	if (ri->gateway.family != 0) {
		sf_addr_format(&ri->gateway, buf, sizeof(buf));
		*strrchr(buf, '/') = '\0';
		rte_tel_data_add_dict_string(d, "via", buf);
	}
	rte_tel_data_add_dict_int(d, "dev", ri->port);
	sf_addr_format(&ri->src, buf, sizeof(buf));
	*strrchr(buf, '/') = '\0';
	rte_tel_data_add_dict_string(d, "src", buf);
	rte_tel_data_add_dict_string(d, "proto",
		ri->proto == SF_ROUTE_STATIC ? "static" : "connected");
}

/*
 * /synfront/routes: the routes in the order added (the first
 * SF_TEL_ROUTES_MAX); with an address, where it goes (`ip route get`).
 */
static int
sf_tel_routes(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct sf_engine *eng = sf_tel_get();
	struct sf_route_info ri;
	struct sf_route_hop hop;
	struct sf_addr dst;
	unsigned int n, i;
	char key[16], buf[64];

	RTE_SET_USED(cmd);
	if (eng == NULL)
		return -ENODEV;
	if (params != NULL && *params != '\0') {
		if (sf_addr_parse(params, &dst) != 0 || strchr(params, '/'))
			return -EINVAL;
		rte_tel_data_start_dict(d);
		rte_tel_data_add_dict_string(d, "dst", params);
		if (sf_engine_route_lookup(eng, &dst, &hop) != 0) {
			rte_tel_data_add_dict_string(d, "error",
				"no route");
			return 0;
		}
		sf_addr_format(&hop.nexthop, buf, sizeof(buf));
		*strrchr(buf, '/') = '\0';
		rte_tel_data_add_dict_string(d, hop.via_gateway ? "via" :
			"nexthop", buf);
		rte_tel_data_add_dict_int(d, "dev", hop.port);
		sf_addr_format(&hop.src, buf, sizeof(buf));
		*strrchr(buf, '/') = '\0';
		rte_tel_data_add_dict_string(d, "src", buf);
		return 0;
	}
	n = sf_engine_route_count(eng);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "count", n);
	for (i = 0; i < n && i < SF_TEL_ROUTES_MAX; i++) {
		struct rte_tel_data *rd;

		if (sf_engine_route_get(eng, i, &ri) != 0)
			break;
		rd = rte_tel_data_alloc();
		if (rd == NULL)
			return -ENOMEM;
		sf_tel_route_dict(&ri, rd);
		snprintf(key, sizeof(key), "%u", i);
		rte_tel_data_add_dict_container(d, key, rd, 0);
	}
	return 0;
}

/*
 * Replace the cookie secret. The answer says which kind of secret is in
 * force now and never echoes it.
 */
static int
sf_tel_cookie_rotate(const char *cmd, const char *params,
		struct rte_tel_data *d)
{
	struct sf_engine *eng = sf_tel_get();
	uint8_t key[16];
	bool given = params != NULL && *params != '\0';

	RTE_SET_USED(cmd);
	if (eng == NULL)
		return -ENODEV;
	if (given && sf_cookie_secret_from_hex(params, key) != 0)
		return -EINVAL;
	sf_engine_cookie_secret(eng, given ? key : NULL);
	memset(key, 0, sizeof(key));
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "secret", given ? "set" : "random");
	rte_tel_data_add_dict_u64(d, "previous_valid_ms",
		SF_COOKIE_PERIOD_MS);
	SF_ENGINE_LOG(NOTICE, "cookie secret rotated (%s)",
		given ? "set" : "random");
	return 0;
}

/*
 * "[ADDR:]PORT" as --listen takes it: 80, *:80, 10.0.0.1:80, 0.0.0.0:80,
 * [fd00::1]:80, [::]:80. addr->family 0 is every address of both.
 */
static int
sf_tel_parse_listen(const char *s, struct sf_addr *addr, uint16_t *port)
{
	char buf[80];
	const char *p;
	char *end;
	unsigned long v;

	memset(addr, 0, sizeof(*addr));
	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	p = strrchr(s, ':');
	if (p != NULL && s[0] == '[' && (p == s || p[-1] != ']'))
		return -EINVAL;
	if (p != NULL) {
		size_t n = (size_t)(p - s);

		if (s[0] == '[') {
			memcpy(buf, s + 1, n - 2);
			buf[n - 2] = '\0';
		} else {
			memcpy(buf, s, n);
			buf[n] = '\0';
		}
		if (strcmp(buf, "*") != 0 && (sf_addr_parse(buf, addr) != 0 ||
		    strchr(buf, '/') != NULL || (s[0] == '[') !=
		    (addr->family == AF_INET6)))
			return -EINVAL;
		p++;
	} else {
		p = s;
	}
	errno = 0;
	v = strtoul(p, &end, 10);
	if (*p == '\0' || *end != '\0' || errno != 0 || v == 0 || v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

/* One KEY=VALUE of /synfront/listen; -EINVAL names nothing, the caller does. */
static int
sf_tel_listen_key(struct sf_engine *eng, const char *key, const char *val,
		struct sf_listener_params *p)
{
	static const struct {
		const char *name;
		size_t off;
		uint8_t size;
		uint32_t max;
	} keys[] = {
#define SF_K(f, m) { #f, offsetof(struct sf_listener_params, f), \
		sizeof(((struct sf_listener_params *)0)->f), m }
		SF_K(backlog, UINT32_MAX), SF_K(syn_backlog, UINT32_MAX),
		SF_K(synack_retries, UINT8_MAX),
		SF_K(synack_timeout_ms, UINT32_MAX),
		SF_K(defer_accept, UINT32_MAX), SF_K(abort_on_overflow, 1),
		SF_K(syncookies, 2), SF_K(mss, UINT16_MAX),
		SF_K(window, UINT16_MAX), SF_K(wscale, UINT8_MAX),
		SF_K(timestamps, 1), SF_K(sack, 1), SF_K(ecn, 1),
		SF_K(keepalive_ms, UINT32_MAX),
		SF_K(keepalive_intvl_ms, UINT32_MAX),
		SF_K(keepalive_probes, UINT8_MAX),
		SF_K(idle_timeout_ms, UINT32_MAX),
		SF_K(proxy, 1), SF_K(pool, SF_MAX_POOLS - 1),
		SF_K(proxy_protocol, 2),
#undef SF_K
	};
	unsigned long v;
	unsigned int i;
	char *end;

	for (i = 0; i < RTE_DIM(keys); i++) {
		uint8_t *f = (uint8_t *)p + keys[i].off;

		if (strcmp(key, keys[i].name) != 0)
			continue;
		errno = 0;
		v = strtoul(val, &end, 10);
		if (*val == '\0' || *end != '\0' || errno != 0 ||
		    v > keys[i].max)
			return -EINVAL;
		if (keys[i].size == 1)
			*f = (uint8_t)v;   /* bool or uint8_t */
		else if (keys[i].size == 2)
			*(uint16_t *)f = (uint16_t)v;
		else
			*(uint32_t *)f = (uint32_t)v;
		return 0;
	}
	if (eng->en_ls_key_cb != NULL)
		return eng->en_ls_key_cb(key, val, p, eng->en_ls_key_arg);
	return -EINVAL;
}

static int
sf_tel_error(struct rte_tel_data *d, const char *fmt, const char *what)
{
	char msg[160];

	snprintf(msg, sizeof(msg), fmt, what);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "error", msg);
	return 0;
}

static int
sf_tel_listen(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct sf_engine *eng = sf_tel_get();
	struct sf_listener_params lp;
	char buf[512], abuf[64];
	char *tok, *save = NULL, *eq;
	struct sf_addr addr;
	uint16_t port;
	int id, ret;
	bool change;

	RTE_SET_USED(cmd);
	if (eng == NULL)
		return -ENODEV;
	if (params == NULL || *params == '\0' ||
	    strlen(params) >= sizeof(buf))
		return sf_tel_error(d, "%s", "give [ADDR:]PORT[,KEY=VALUE...]");
	snprintf(buf, sizeof(buf), "%s", params);
	tok = strtok_r(buf, ",", &save);
	if (sf_tel_parse_listen(tok, &addr, &port) != 0)
		return sf_tel_error(d, "'%s' is not [ADDR:]PORT (80, "
			"10.0.0.1:80, [fd00::1]:80, *:80)", tok);
	id = sf_engine_listener_find(eng, &addr, port);
	change = id >= 0;
	if (change) {
		sf_engine_listener_get(eng, (unsigned int)id, &lp);
	} else {
		rte_spinlock_lock(&eng->en_tcp.et_lock);
		lp = eng->en_ls_defaults;
		rte_spinlock_unlock(&eng->en_tcp.et_lock);
		lp.addr = addr;
		lp.port = port;
	}
	while ((tok = strtok_r(NULL, ",", &save)) != NULL) {
		eq = strchr(tok, '=');
		if (eq == NULL)
			return sf_tel_error(d, "'%s' is not KEY=VALUE", tok);
		*eq = '\0';
		if (sf_tel_listen_key(eng, tok, eq + 1, &lp) != 0) {
			*eq = '=';
			return sf_tel_error(d, "'%s': unknown key or value out "
				"of range", tok);
		}
	}
	sf_listener_format(&lp, abuf, sizeof(abuf));
	if (change) {
		ret = sf_engine_listen_update(eng, (unsigned int)id, &lp);
	} else {
		ret = sf_engine_listen(eng, &lp);
		id = ret;
	}
	if (ret < 0)
		return sf_tel_error(d, ret == -EEXIST ?
			"%s: overlaps a listener (a wildcard of both families "
			"and one of a family collide, as on Linux)" :
			ret == -ENOSPC ? "%s: no free listener id (64 at most; "
			"removed ones free theirs when their last connection "
			"ends)" : ret == -EBUSY ? "%s: apps none and proxy "
			"cannot be switched to or from another app while it "
			"runs; unlisten and listen again" : ret == -ENOENT ?
			"%s: removed meanwhile" : "%s: a setting is out of "
			"range, or the address cannot listen", abuf);
	SF_ENGINE_LOG(NOTICE, "listener %d %s on %s", id,
		change ? "changed" : "added", abuf);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "id", id);
	rte_tel_data_add_dict_string(d, "listen", abuf);
	rte_tel_data_add_dict_string(d, "action", change ? "changed" : "added");
	return 0;
}

static int
sf_tel_unlisten(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct sf_engine *eng = sf_tel_get();
	struct sf_listener_params lp;
	struct sf_addr addr;
	char abuf[64];
	uint16_t port;
	int id;

	RTE_SET_USED(cmd);
	if (eng == NULL)
		return -ENODEV;
	if (params == NULL || sf_tel_parse_listen(params, &addr, &port) != 0)
		return sf_tel_error(d, "'%s' is not [ADDR:]PORT",
			params != NULL ? params : "");
	id = sf_engine_listener_find(eng, &addr, port);
	if (id < 0 || sf_engine_listener_get(eng, (unsigned int)id, &lp) != 0)
		return sf_tel_error(d, "no listener on '%s'", params);
	sf_listener_format(&lp, abuf, sizeof(abuf));
	if (sf_engine_unlisten(eng, (unsigned int)id) != 0)
		return sf_tel_error(d, "no listener on '%s'", params);
	SF_ENGINE_LOG(NOTICE, "listener %d removed from %s", id, abuf);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "id", id);
	rte_tel_data_add_dict_string(d, "listen", abuf);
	rte_tel_data_add_dict_string(d, "action", "removed");
	return 0;
}

/* Connections a listing names at most (the reply must fit 16 KiB). */
#define SF_TEL_CONNS_LIST 64

/* A flow key's address words as text (ab: INET6_ADDRSTRLEN bytes). */
static const char *
sf_tel_ntop(uint8_t family, const uint32_t *addr, char *ab)
{
	if (inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr, ab,
			INET6_ADDRSTRLEN) == NULL)
		snprintf(ab, INET6_ADDRSTRLEN, "?");
	return ab;
}

/* "ADDR:PORT", "[ADDR]:PORT" for IPv6, from a flow key's words. */
static char *
sf_tel_endpoint(uint8_t family, const uint32_t *addr, uint16_t port_be,
		char *buf, size_t len)
{
	char ab[INET6_ADDRSTRLEN];

	snprintf(buf, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u",
		sf_tel_ntop(family, addr, ab), rte_be_to_cpu_16(port_be));
	return buf;
}

static void
sf_tel_addr(struct rte_tel_data *d, const char *name, uint8_t family,
		const uint32_t *addr)
{
	char ab[INET6_ADDRSTRLEN];

	rte_tel_data_add_dict_string(d, name, sf_tel_ntop(family, addr, ab));
}

/* One connection in full: the copy sf_conn_stat() took, and what follows. */
static void
sf_tel_conn_dict(const struct sf_engine *eng, unsigned int w, uint32_t id,
		const struct sf_conn_stat *st, struct rte_tel_data *d)
{
	const struct sf_conn *c = &st->cs_c;
	const struct sf_tcb *tb = &st->cs_tb;
	const struct sf_flow_key *k = &st->cs_key;
	uint8_t nf = c->cn_neg.ng_flags;
	char buf[64];
	unsigned int t;

	rte_tel_data_start_dict(d);
	snprintf(buf, sizeof(buf), "%u:%u", w, id);
	rte_tel_data_add_dict_string(d, "conn", buf);
	rte_tel_data_add_dict_int(d, "worker", (int)w);
	rte_tel_data_add_dict_int(d, "lcore", sf_engine_worker_lcore(eng, w));
	rte_tel_data_add_dict_u64(d, "id", id);
	rte_tel_data_add_dict_u64(d, "gen", c->cn_gen);
	rte_tel_data_add_dict_string(d, "state",
		sf_conn_state_name(c->cn_state));
	sf_tel_addr(d, "local", k->fk_family, k->fk_laddr);
	rte_tel_data_add_dict_int(d, "local_port",
		rte_be_to_cpu_16(k->fk_lport));
	sf_tel_addr(d, "remote", k->fk_family, k->fk_raddr);
	rte_tel_data_add_dict_int(d, "remote_port",
		rte_be_to_cpu_16(k->fk_rport));
	rte_tel_data_add_dict_int(d, "port_id", c->cn_port);
	rte_tel_data_add_dict_int(d, "listener", c->cn_listener);
	rte_tel_data_add_dict_int(d, "app", (c->cn_flags & SF_CNF_APP) &&
		eng->en_nb_apps != 0 ? c->cn_app : -1);
	rte_tel_data_add_dict_int(d, "accepted",
		!!(c->cn_flags & SF_CNF_ACCEPTED));
	rte_tel_data_add_dict_int(d, "peer_fin",
		!!(c->cn_flags & SF_CNF_PEERFIN));
	rte_tel_data_add_dict_int(d, "fin_queued",
		!!(c->cn_flags & SF_CNF_CLOSING));
	/* Options negotiated. */
	rte_tel_data_add_dict_int(d, "ts", !!(nf & SF_CONN_F_TS));
	rte_tel_data_add_dict_int(d, "sack", !!(nf & SF_CONN_F_SACK));
	rte_tel_data_add_dict_int(d, "wscale", !!(nf & SF_CONN_F_WSCALE));
	rte_tel_data_add_dict_int(d, "ecn", !!(nf & SF_CONN_F_ECN));
	rte_tel_data_add_dict_int(d, "snd_wscale", c->cn_neg.ng_snd_wscale);
	rte_tel_data_add_dict_int(d, "rcv_wscale", c->cn_neg.ng_rcv_wscale);
	rte_tel_data_add_dict_int(d, "mss", c->cn_neg.ng_mss);
	rte_tel_data_add_dict_int(d, "rcv_mss", tb->tb_rcv_mss);
	/* Sequence space: absolute numbers, as the wire has them. */
	rte_tel_data_add_dict_u64(d, "iss", c->cn_iss);
	rte_tel_data_add_dict_u64(d, "irs", c->cn_irs);
	rte_tel_data_add_dict_u64(d, "snd_una", c->cn_snd_una);
	rte_tel_data_add_dict_u64(d, "snd_nxt", c->cn_snd_nxt);
	rte_tel_data_add_dict_u64(d, "rcv_nxt", c->cn_rcv_nxt);
	rte_tel_data_add_dict_u64(d, "snd_wnd", st->cs_snd_wnd);
	rte_tel_data_add_dict_u64(d, "rcv_wnd", st->cs_rcv_wnd);
	rte_tel_data_add_dict_u64(d, "unacked", st->cs_unacked);
	rte_tel_data_add_dict_u64(d, "ofo_segs", tb->tb_ofo_n);
	rte_tel_data_add_dict_int(d, "send_side", !!(c->cn_flags & SF_CNF_SND));
	/* The send side's state exists once it is set up (sf_snd_setup()). */
	if (c->cn_flags & SF_CNF_SND) {
		rte_tel_data_add_dict_u64(d, "snd_queue", st->cs_queued);
		rte_tel_data_add_dict_u64(d, "notsent", st->cs_notsent);
		rte_tel_data_add_dict_u64(d, "srtt_us",
			(uint64_t)tb->tb_srtt * 1000 / 8);
		rte_tel_data_add_dict_u64(d, "rttvar_us",
			(uint64_t)tb->tb_rttvar * 1000 / 4);
		rte_tel_data_add_dict_u64(d, "rto_ms", st->cs_rto_ms);
		rte_tel_data_add_dict_u64(d, "backoff", tb->tb_backoff);
		rte_tel_data_add_dict_u64(d, "cwnd", tb->tb_cwnd);
		rte_tel_data_add_dict_u64(d, "ssthresh", tb->tb_ssthresh);
		rte_tel_data_add_dict_string(d, "ca_state",
			sf_ca_state_name(tb->tb_ca));
		rte_tel_data_add_dict_u64(d, "retrans", tb->tb_retrans);
		rte_tel_data_add_dict_u64(d, "sacked", tb->tb_sacked);
		rte_tel_data_add_dict_u64(d, "dupacks", tb->tb_dupacks);
		rte_tel_data_add_dict_u64(d, "probes", tb->tb_probes);
	}
	for (t = 0; t < SF_CT_MAX; t++) {
		snprintf(buf, sizeof(buf), "timer_%s_ms", sf_ctimer_name(t));
		rte_tel_data_add_dict_int(d, buf, st->cs_timer_ms[t]);
	}
}

/* What a listing says of one connection: "W:N STATE LOCAL PEER". */
static int
sf_tel_conn_line(const struct sf_wtcp *wt, unsigned int w, uint32_t id,
		char *buf, size_t len)
{
	struct sf_conn_stat st;
	const struct sf_flow_key *k = &st.cs_key;
	char l[64], r[64];

	if (sf_conn_stat(wt, id, &st) != 0)
		return -1;
	snprintf(buf, len, "%u:%u %s %s %s", w, id,
		sf_conn_state_name(st.cs_c.cn_state),
		sf_tel_endpoint(k->fk_family, k->fk_laddr, k->fk_lport, l,
			sizeof(l)),
		sf_tel_endpoint(k->fk_family, k->fk_raddr, k->fk_rport, r,
			sizeof(r)));
	return 0;
}

/*
 * Connections by state over the workers from w0 to w1 - 1 (totals, and
 * per worker as columns when there are several), and the first
 * SF_TEL_CONNS_LIST of them, each a line that starts with "W:N" as
 * /synfront/conns,W:N takes it (dictionary keys take no ':').
 * Every slot's state is read once: O(max_conns) per worker.
 */
static int
sf_tel_conns_summary(const struct sf_engine *eng, unsigned int w0,
		unsigned int w1, struct rte_tel_data *d)
{
	uint64_t tot[SF_CS_SPLICED + 1] = { 0 };
	struct rte_tel_data *list, *cols[SF_CS_SPLICED + 1];
	unsigned int w, s, listed = 0;
	uint32_t id, cap = 0;
	char line[RTE_TEL_MAX_STRING_LEN];

	list = rte_tel_data_alloc();
	if (list == NULL)
		return -ENOMEM;
	rte_tel_data_start_array(list, RTE_TEL_STRING_VAL);
	memset(cols, 0, sizeof(cols));
	if (w1 - w0 > 1) {
		for (s = 0; s <= SF_CS_SPLICED; s++) {
			cols[s] = rte_tel_data_alloc();
			if (cols[s] == NULL) {
				while (s-- > 0)
					rte_tel_data_free(cols[s]);
				rte_tel_data_free(list);
				return -ENOMEM;
			}
			rte_tel_data_start_array(cols[s], RTE_TEL_U64_VAL);
		}
	}
	for (w = w0; w < w1; w++) {
		const struct sf_wtcp *wt = &eng->en_workers[w].wk_tcp;
		uint64_t n[SF_CS_SPLICED + 1] = { 0 };

		cap = RTE_MAX(cap, wt->wt_conn != NULL ?
			wt->wt_conntab.ft_cap : 0);
		for (id = 0; wt->wt_conn != NULL &&
		     id < wt->wt_conntab.ft_cap; id++) {
			uint8_t st = sf_conn_stat_state(wt, id);

			if (st == SF_CS_FREE || st > SF_CS_SPLICED)
				continue;
			n[st]++;
			if (listed < SF_TEL_CONNS_LIST &&
			    sf_tel_conn_line(wt, w, id, line,
					sizeof(line)) == 0) {
				rte_tel_data_add_array_string(list, line);
				listed++;
			}
		}
		for (s = 1; s <= SF_CS_SPLICED; s++) {
			n[SF_CS_FREE] += n[s];
			tot[s] += n[s];
		}
		tot[SF_CS_FREE] += n[SF_CS_FREE];
		if (cols[0] != NULL)
			for (s = 0; s <= SF_CS_SPLICED; s++)
				rte_tel_data_add_array_u64(cols[s], n[s]);
	}
	rte_tel_data_start_dict(d);
	if (w1 - w0 == 1)
		rte_tel_data_add_dict_int(d, "worker", (int)w0);
	rte_tel_data_add_dict_u64(d, "workers", w1 - w0);
	rte_tel_data_add_dict_u64(d, "max_conns", cap);
	/* [SF_CS_FREE] holds the sum: every connection. */
	rte_tel_data_add_dict_u64(d, "conns", tot[SF_CS_FREE]);
	for (s = 1; s <= SF_CS_SPLICED; s++)
		rte_tel_data_add_dict_u64(d, sf_conn_state_name((uint8_t)s),
			tot[s]);
	if (cols[0] != NULL) {
		struct rte_tel_data *pw = rte_tel_data_alloc();

		if (pw == NULL) {
			for (s = 0; s <= SF_CS_SPLICED; s++)
				rte_tel_data_free(cols[s]);
		} else {
			rte_tel_data_start_dict(pw);
			for (s = 0; s <= SF_CS_SPLICED; s++)
				rte_tel_data_add_dict_container(pw, s == 0 ?
					"conns" : sf_conn_state_name((uint8_t)s),
					cols[s], 0);
			rte_tel_data_add_dict_container(d, "per_worker", pw, 0);
		}
	}
	rte_tel_data_add_dict_u64(d, "listed", listed);
	rte_tel_data_add_dict_container(d, "list", list, 0);
	return 0;
}

/*
 * /synfront/conns: every worker's connections by state and the first of
 * them; ",W": worker W's; ",W:N": connection N of worker W in full.
 */
static int
sf_tel_conns(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct sf_engine *eng = sf_tel_get();
	struct sf_conn_stat st;
	unsigned long w, id;
	char *end;
	int ret;

	RTE_SET_USED(cmd);
	if (eng == NULL)
		return -ENODEV;
	if (params == NULL || *params == '\0')
		return sf_tel_conns_summary(eng, 0, eng->en_nb_workers, d);
	if (*params < '0' || *params > '9')
		return -EINVAL;
	errno = 0;
	w = strtoul(params, &end, 10);
	if (errno != 0 || w >= eng->en_nb_workers)
		return -EINVAL;
	if (*end == '\0')
		return sf_tel_conns_summary(eng, (unsigned int)w,
			(unsigned int)w + 1, d);
	if (*end != ':' || end[1] < '0' || end[1] > '9')
		return -EINVAL;
	id = strtoul(end + 1, &end, 10);
	if (errno != 0 || *end != '\0' || id > UINT32_MAX)
		return -EINVAL;
	ret = sf_conn_stat(&eng->en_workers[w].wk_tcp, (uint32_t)id, &st);
	if (ret == -EINVAL)
		return -EINVAL;             /* no such slot */
	if (ret == -EAGAIN)
		return sf_tel_error(d, "%s: the slot kept changing; ask again",
			params);
	if (ret == -ENOENT) {
		rte_tel_data_start_dict(d);
		rte_tel_data_add_dict_string(d, "conn", params);
		rte_tel_data_add_dict_int(d, "worker", (int)w);
		rte_tel_data_add_dict_u64(d, "id", id);
		rte_tel_data_add_dict_string(d, "state",
			sf_conn_state_name(SF_CS_FREE));
		return 0;
	}
	sf_tel_conn_dict(eng, (unsigned int)w, (uint32_t)id, &st, d);
	return 0;
}

/*
 * /synfront/neigh: the neighbour table as `ip neigh` shows it, one line
 * per entry: "ADDR port P [lladdr MAC] STATE age_ms A used_ms U probes N
 * queued Q", ages from worker 0's clock. A lock-free snapshot
 * (sf_neigh_dump()).
 */
static int
sf_tel_neigh(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct sf_engine *eng = sf_tel_get();
	struct sf_neigh_info *ni;
	char a[INET6_ADDRSTRLEN], mac[RTE_ETHER_ADDR_FMT_SIZE];
	char line[RTE_TEL_MAX_STRING_LEN];
	unsigned int i, k, n;
	uint32_t now;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	if (eng == NULL)
		return -ENODEV;
	ni = malloc(sizeof(*ni) * SF_NEIGH_SIZE);
	if (ni == NULL)
		return -ENOMEM;
	n = sf_neigh_dump(eng->en_neigh, ni, SF_NEIGH_SIZE);
	now = __atomic_load_n(&sf_wk_net(&eng->en_workers[0])->nt_now,
		__ATOMIC_RELAXED);
	rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
	for (i = 0; i < n && i < RTE_TEL_MAX_ARRAY_ENTRIES; i++) {
		inet_ntop(ni[i].ni_family, ni[i].ni_addr, a, sizeof(a));
		/* lower case, as ip neigh prints it */
		snprintf(mac, sizeof(mac), RTE_ETHER_ADDR_PRT_FMT,
			RTE_ETHER_ADDR_BYTES(&ni[i].ni_mac));
		for (k = 0; mac[k] != '\0'; k++)
			mac[k] = (char)tolower((unsigned char)mac[k]);
		snprintf(line, sizeof(line), "%s port %u%s%s %s age_ms %d "
			"used_ms %d probes %u queued %u", a, ni[i].ni_port,
			ni[i].ni_state >= SF_NUD_REACHABLE &&
			ni[i].ni_state <= SF_NUD_PROBE ? " lladdr " : "",
			ni[i].ni_state >= SF_NUD_REACHABLE &&
			ni[i].ni_state <= SF_NUD_PROBE ? mac : "",
			sf_neigh_state_name(ni[i].ni_state),
			(int32_t)(now - ni[i].ni_updated),
			(int32_t)(now - ni[i].ni_used),
			ni[i].ni_probes, ni[i].ni_nq);
		rte_tel_data_add_array_string(d, line);
	}
	free(ni);
	return 0;
}

/*
 * /synfront/announce[,PORT]: gratuitous ARP and unsolicited NA again for
 * one port's addresses, or every port's (as arping -U / ndisc_notify
 * after a failover), sent within about 10 ms.
 */
static int
sf_tel_announce(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct sf_engine *eng = sf_tel_get();
	unsigned long v;
	unsigned int n = 0;
	uint16_t p;
	char *end;

	RTE_SET_USED(cmd);
	if (eng == NULL)
		return -ENODEV;
	if (params != NULL && *params != '\0') {
		v = strtoul(params, &end, 10);
		if (*end != '\0' || v >= RTE_MAX_ETHPORTS ||
		    sf_engine_announce(eng, (uint16_t)v) != 0)
			return -EINVAL;
		n = 1;
	} else {
		for (p = 0; p < RTE_MAX_ETHPORTS; p++)
			if (sf_engine_announce(eng, p) == 0)
				n++;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "ports", n);
	return 0;
}

int
sf_engine_telemetry_register(struct sf_engine *eng)
{
	if (eng == NULL)
		return -EINVAL;
	if (sf_tel_get() != NULL)
		return sf_tel_get() == eng ? 0 : -EBUSY;
	__atomic_store_n(&sf_tel_engine, eng, __ATOMIC_RELEASE);
	rte_telemetry_register_cmd("/synfront/stats", sf_tel_stats,
		"synfront counters summed over all workers. No parameters");
	rte_telemetry_register_cmd("/synfront/lcores", sf_tel_lcores,
		"synfront counters per lcore (workers, then app contexts), "
		"one array per counter. "
		"No parameters");
	rte_telemetry_register_cmd("/synfront/ports", sf_tel_ports,
		"synfront ports as columns; with a port id, that port in "
		"full. Parameters: [int port_id]");
	rte_telemetry_register_cmd("/synfront/listeners", sf_tel_listeners,
		"synfront listeners: settings, SYN and accept queue lengths, "
		"counters; with an id, that listener. Parameters: [int id]");
	rte_telemetry_register_cmd("/synfront/cookie_rotate",
		sf_tel_cookie_rotate,
		"replace the SYN-cookie secret; the old one validates for "
		"60 s more. Parameters: [32 hex digits] (none: random)");
	rte_telemetry_register_cmd("/synfront/listen", sf_tel_listen,
		"add a listener, or change the one on ADDR:PORT. "
		"Parameters: [ADDR:]PORT[,KEY=VALUE...] (docs/multicore.md)");
	rte_telemetry_register_cmd("/synfront/unlisten", sf_tel_unlisten,
		"remove a listener (requests dropped, unaccepted connections "
		"reset). Parameters: [ADDR:]PORT");
	rte_telemetry_register_cmd("/synfront/routes", sf_tel_routes,
		"synfront routes (prefix, via, dev, src, proto); with an "
		"address, the route it takes. Parameters: [ADDR]");
	/* Help texts are shorter than RTE_TEL_MAX_STRING_LEN, or refused. */
	if (rte_telemetry_register_cmd("/synfront/neigh", sf_tel_neigh,
			"synfront neighbour table, as ip neigh: address, "
			"port, MAC, state, ages, probes. No parameters") != 0)
		SF_ENGINE_LOG(WARNING, "telemetry: /synfront/neigh not "
			"registered");
	if (rte_telemetry_register_cmd("/synfront/announce", sf_tel_announce,
			"gratuitous ARP and unsolicited NA for the addresses "
			"of one port, or all. Parameters: [int port_id]") != 0)
		SF_ENGINE_LOG(WARNING, "telemetry: /synfront/announce not "
			"registered");
	if (rte_telemetry_register_cmd("/synfront/conns", sf_tel_conns,
			"synfront connections by state, the first 64 listed; "
			"worker W's; connection N of worker W. "
			"Parameters: [W[:N]]") != 0)
		SF_ENGINE_LOG(WARNING, "telemetry: /synfront/conns not "
			"registered");
	if (sf_probe_register() != 0)
		SF_ENGINE_LOG(WARNING, "telemetry: /synfront/connect not "
			"registered");
	if (sf_pools_register() != 0)
		SF_ENGINE_LOG(WARNING, "telemetry: /synfront/backends not "
			"registered");
	return 0;
}
