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
 * The callbacks run on the telemetry thread: they read the per-lcore
 * counters with atomic loads; cookie_rotate writes the cookie secret,
 * which the workers read under its sequence lock; listen and unlisten
 * change the listener table under RCU (sf_listen.c).
 */

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
			"ends)" : ret == -EBUSY ? "%s: app none cannot be "
			"switched to or from an accepting app while it runs; "
			"unlisten and listen again" : ret == -ENOENT ?
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
	return 0;
}
