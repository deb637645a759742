/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * synfront: EAL init, signals, arguments, mempool, ports, engine, launch,
 * wait, stop, cleanup -- in that order, as l2fwd reads.
 */

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "sf_apps.h"
#include "sf_capture.h"
#include "sf_client.h"
#include "sf_conf.h"
#include "sf_engine.h"
#include "sf_httpd.h"
#include "sf_pool.h"
#include "sf_port.h"
#include "sf_stats.h"

RTE_LOG_REGISTER(sf_logtype_app, synfront.app, INFO);

#define SF_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, sf_logtype_app, \
		"synfront: " fmt "\n", ## __VA_ARGS__)

/* Per-lcore mempool cache: the usual 256, below the 512 limit. */
#define SF_MBUF_CACHE 256
/* Floor of the pool: 8k mbufs (2^13 - 1 suits the ring underneath). */
#define SF_MIN_MBUFS 8191
/* How long to wait for link at start; virtual ports are up at once. */
#define SF_LINK_WAIT_MS 3000

static volatile bool force_quit;

static struct sf_conf sf_conf;
static struct sf_engine *sf_eng;
static struct rte_mempool *sf_pool;
/* Mbufs of sf_pool that PMDs keep past close (net_af_xdp's fill rings). */
static unsigned int sf_pmd_kept;

/*
 * Roles of the lcores: every enabled lcore is a worker, except those of
 * --app-lcores, which run the listeners' callbacks. Indexed by lcore id:
 * the worker or application context index, or -1.
 */
static int sf_lcore_worker[RTE_MAX_LCORE];
static int sf_lcore_app[RTE_MAX_LCORE];
static unsigned int sf_nb_workers, sf_nb_apps;
/* Set by sf_setup() when it fails on a bad value of the configuration. */
static bool sf_conf_refused;

static void
signal_handler(int signum)
{
	if (signum == SIGINT || signum == SIGTERM)
		force_quit = true;
}

static void
sf_usage_hook(const char *prgname)
{
	printf("\nsynfront options (after '--'):\n");
	sf_conf_usage(prgname);
}

/*
 * Every worker lcore polls, the main one included, also when it has no
 * queue of its own (software steering feeds it); application lcores run
 * the callbacks. The main lcore also prints the stats line, so the stats
 * never cost a core of its own on a 2-core machine.
 */
static int
sf_lcore_main(void *arg)
{
	struct sf_worker *w = NULL;
	struct sf_app_ctx *a = NULL;
	struct sf_http *http = NULL;
	uint64_t prev[SF_CNT_MAX] = { 0 };
	uint64_t hz = rte_get_tsc_hz(), next = 0, last = 0, now;
	unsigned int lc = rte_lcore_id();
	bool is_main = lc == rte_get_main_lcore();

	RTE_SET_USED(arg);
	if (sf_lcore_app[lc] >= 0) {
		a = sf_engine_app(sf_eng, (unsigned int)sf_lcore_app[lc]);
		if (a == NULL)
			return 0;
		SF_LOG(INFO, "lcore %u: application context %d", lc,
			sf_lcore_app[lc]);
	} else {
		w = sf_engine_worker(sf_eng, (unsigned int)sf_lcore_worker[lc]);
		if (w == NULL)
			return 0;
		SF_LOG(INFO, "lcore %u: worker %d polling %u queue(s)%s", lc,
			sf_lcore_worker[lc], sf_worker_queue_count(w),
			sf_worker_queue_count(w) == 0 ?
			", fed by software steering" : "");
	}
	/* The responder's idle scan runs where its callbacks do. */
	if (w != NULL)
		http = sf_httpd();
	if (is_main && sf_conf.stats_interval != 0) {
		last = rte_rdtsc();
		next = last + hz * sf_conf.stats_interval;
	}
	while (!force_quit) {
		if (a != NULL)
			sf_app_poll(a);
		else
			sf_worker_poll(w);
		if (http != NULL)
			sf_http_poll(http);
		if (is_main)
			sf_client_poll();
		if (next != 0 && (now = rte_rdtsc()) >= next) {
			sf_stats_line(stdout, sf_eng, prev,
				(double)(now - last) / hz, sf_pool);
			last = now;
			next = now + hz * sf_conf.stats_interval;
		}
	}
	if (w != NULL)
		sf_worker_stop(w);
	return 0;
}

/*
 * Whether the configuration runs application kind (a listener, or the
 * default). On an application lcore echo could be refused room for
 * bytes the worker's receive window let in: that window counts the
 * worker's send queue, not the bytes in the rings between them
 * (docs/datapath.md); http keeps its state with sf_conn_set_user(),
 * which only the owning worker may call.
 */
static bool
sf_conf_runs(enum sf_builtin_kind kind)
{
	unsigned int i;

	if (sf_conf.app == kind)
		return true;
	for (i = 0; i < sf_conf.nb_listen; i++)
		if (sf_conf.listen[i].ls_s.app == kind)
			return true;
	return false;
}

/*
 * Split the enabled lcores into workers and application contexts.
 * Returns 0, or -EINVAL after naming the bad lcore.
 */
static int
sf_setup_lcores(void)
{
	const char *s = sf_conf.app_lcores;
	unsigned int lc;
	long a, b, i;
	char *end;

	for (lc = 0; lc < RTE_MAX_LCORE; lc++)
		sf_lcore_worker[lc] = sf_lcore_app[lc] = -1;
	/* The list's syntax was checked with the other options. */
	while (*s != '\0') {
		a = strtol(s, &end, 10);
		b = *end == '-' ? strtol(end + 1, &end, 10) : a;
		for (i = a; i <= b; i++) {
			if (!rte_lcore_is_enabled((unsigned int)i)) {
				SF_LOG(ERR, "--app-lcores: lcore %ld is not one "
					"of EAL's lcores (give it to -l or "
					"--lcores too)", i);
				return -EINVAL;
			}
			if (sf_lcore_app[i] < 0) {
				if (sf_nb_apps == SF_MAX_APPS) {
					SF_LOG(ERR, "--app-lcores: more than "
						"%d application lcores",
						SF_MAX_APPS);
					return -EINVAL;
				}
				sf_lcore_app[i] = (int)sf_nb_apps++;
			}
		}
		s = *end == ',' ? end + 1 : end;
	}
	RTE_LCORE_FOREACH(lc)
		if (sf_lcore_app[lc] < 0)
			sf_lcore_worker[lc] = (int)sf_nb_workers++;
	if (sf_nb_workers == 0) {
		SF_LOG(ERR, "--app-lcores '%s' takes every lcore: at least "
			"one must be left as a worker", sf_conf.app_lcores);
		return -EINVAL;
	}
	if (sf_nb_apps != 0 && sf_conf_runs(SF_BUILTIN_ECHO)) {
		SF_LOG(ERR, "--app-lcores with echo: the receive window does "
			"not count the bytes in the rings yet, so echo could be "
			"refused room on an application lcore; run echo inline, "
			"without --app-lcores");
		return -EINVAL;
	}
	if (sf_nb_apps != 0 && sf_conf_runs(SF_BUILTIN_HTTP)) {
		SF_LOG(ERR, "--app-lcores with http: the responder runs "
			"inline on the workers (it keeps its state in the "
			"connection, which only the owning worker may touch); "
			"run it without --app-lcores");
		return -EINVAL;
	}
	SF_LOG(INFO, "%u worker lcore(s), %u application lcore(s)%s",
		sf_nb_workers, sf_nb_apps,
		sf_nb_apps == 0 ? " (callbacks run inline on the workers)" : "");
	return 0;
}

/*
 * The pool of --backend ([synfront] backend lines), which proxy listeners
 * without backend lines of their own use; -1: none.
 */
static int sf_pool0 = -1;

/* Listeners added over /synfront/listen: "app=NAME" picks the callbacks. */
static int
sf_listen_key(const char *key, const char *val,
		struct sf_listener_params *p, void *arg)
{
	enum sf_builtin_kind k;

	RTE_SET_USED(arg);
	if (strcmp(key, "app") != 0)
		return -EINVAL;
	for (k = SF_BUILTIN_SINK; k <= SF_BUILTIN_LAST; k++) {
		if (strcmp(val, sf_builtin_ops(k)->name) == 0) {
			/* As at start: no sends from application lcores yet. */
			if (k == SF_BUILTIN_ECHO && sf_nb_apps != 0)
				return -EINVAL;
			/* http: only with the responder made at start. */
			if (k == SF_BUILTIN_HTTP && (sf_httpd() == NULL ||
			    sf_nb_apps != 0))
				return -EINVAL;
			p->on_accept = sf_builtin_ops(k)->on_accept;
			p->on_close = sf_builtin_ops(k)->on_close;
			p->on_data = sf_builtin_ops(k)->on_data;
			p->proxy = k == SF_BUILTIN_PROXY;
			p->pool = (uint8_t)(sf_pool0 >= 0 ? sf_pool0 :
				SF_MAX_POOLS);
			if (k == SF_BUILTIN_HTTP)
				sf_http_listener(sf_httpd(), p);
			return 0;
		}
	}
	return -EINVAL;
}

/* Whether a port owns a (the wildcards 0.0.0.0 and :: always are). */
static bool
sf_addr_is_ours(const struct sf_addr *a)
{
	static const uint8_t zero[16];
	struct sf_addr b;
	uint16_t port;
	unsigned int i;

	if ((a->family == AF_INET && a->v4 == 0) ||
	    (a->family == AF_INET6 && memcmp(a->v6, zero, 16) == 0))
		return true;
	RTE_ETH_FOREACH_DEV(port)
		for (i = 0; sf_engine_addr_get(sf_eng, port, i, &b) == 0; i++)
			if (b.family == a->family &&
			    memcmp(&b.v6, &a->v6,
				   a->family == AF_INET ? 4 : 16) == 0)
				return true;
	return false;
}

/*
 * Static routes, once every port has its addresses: their gateways must
 * lie on the prefixes of those (connected routes).
 */
static int
sf_setup_routes(void)
{
	struct sf_route_info ri;
	char pfx[64], gw[64], src[64];
	unsigned int i, n;
	int ret;

	for (i = 0; i < sf_conf.nb_routes; i++) {
		const struct sf_route_conf *rc = &sf_conf.routes[i];

		if (rc->rc_port != SF_ROUTE_PORT_ANY &&
		    !rte_eth_dev_is_valid_port(rc->rc_port)) {
			SF_LOG(ERR, "route '%s': no port %u (there are %u "
				"port(s), ids from 0)", rc->rc_text,
				rc->rc_port, rte_eth_dev_count_avail());
			sf_conf_refused = true;
			return -EINVAL;
		}
		ret = sf_engine_route_add(sf_eng, &rc->rc_prefix, &rc->rc_gw,
				rc->rc_port);
		if (ret != 0) {
			SF_LOG(ERR, "route '%s' refused: %s", rc->rc_text,
				ret == -ENETUNREACH ? (rc->rc_port ==
				SF_ROUTE_PORT_ANY ?
				"the gateway is on no port address's prefix (give the port an address on the gateway's subnet with --addr or [portN] addr=)" :
				"the gateway is on no prefix of that port's addresses (give it an address on the gateway's subnet with [portN] addr=)") :
				ret == -EEXIST ?
				"the prefix has a route already (a port address's connected route, or an earlier route)" :
				ret == -ENOSPC ?
				"the route table is full" :
				ret == -EINVAL ?
				"the gateway is no unicast address of another host (multicast, loopback, unspecified or our own), or is link-local without 'dev PORT'" :
				strerror(-ret));
			if (ret != -ENOMEM)
				sf_conf_refused = true;
			return ret;
		}
	}
	n = sf_engine_route_count(sf_eng);
	for (i = 0; i < n && sf_engine_route_get(sf_eng, i, &ri) == 0; i++) {
		if (ri.proto != SF_ROUTE_STATIC)
			continue;
		sf_addr_format(&ri.gateway, gw, sizeof(gw));
		sf_addr_format(&ri.src, src, sizeof(src));
		*strrchr(gw, '/') = '\0';
		*strrchr(src, '/') = '\0';
		SF_LOG(INFO, "route %s via %s dev %u src %s",
			sf_addr_format(&ri.prefix, pfx, sizeof(pfx)), gw,
			ri.port, src);
	}
	return 0;
}

/* Listener parameters from settings, fed by the built-in application. */
static void
sf_lparams(const struct sf_lsettings *ls, struct sf_listener_params *lp)
{
	const struct sf_builtin_ops *app = sf_builtin_ops(ls->app);

	sf_listener_params_init(lp);
	lp->backlog = ls->backlog;
	lp->syn_backlog = ls->syn_backlog;
	lp->synack_retries = (uint8_t)ls->synack_retries;
	lp->defer_accept = ls->defer_accept;
	lp->abort_on_overflow = ls->abort_on_overflow;
	lp->syncookies = (uint8_t)ls->syncookies;
	lp->mss = (uint16_t)ls->mss;
	lp->window = (uint16_t)ls->window;
	lp->wscale = (uint8_t)ls->wscale;
	lp->timestamps = ls->timestamps;
	lp->sack = ls->sack;
	lp->ecn = ls->ecn;
	lp->synack_timeout_ms = ls->synack_timeout_ms;
	lp->keepalive_ms = ls->keepalive_ms;
	lp->keepalive_intvl_ms = ls->keepalive_intvl_ms;
	lp->keepalive_probes = (uint8_t)ls->keepalive_probes;
	lp->idle_timeout_ms = ls->idle_timeout_ms;
	lp->on_accept = app->on_accept;
	lp->on_close = app->on_close;
	lp->on_data = app->on_data;
	lp->proxy = ls->app == SF_BUILTIN_PROXY;
	/* An out-of-range pool makes sf_engine_listen() refuse: none made. */
	lp->pool = (uint8_t)(sf_pool0 >= 0 ? sf_pool0 : SF_MAX_POOLS);
	lp->proxy_protocol = (uint8_t)ls->proxy_protocol;
	if (ls->app == SF_BUILTIN_HTTP && sf_httpd() != NULL)
		sf_http_listener(sf_httpd(), lp);
}

/* The listeners of the configuration, and the defaults of later ones. */
static int
sf_setup_listeners(void)
{
	struct sf_listener_params lp;
	struct sf_lsettings def = {
		.app = sf_conf.app, .syncookies = sf_conf.syncookies,
		.backlog = sf_conf.backlog, .syn_backlog = sf_conf.syn_backlog,
		.synack_retries = sf_conf.synack_retries,
		.defer_accept = sf_conf.defer_accept,
		.abort_on_overflow = sf_conf.abort_on_overflow,
		.mss = sf_conf.mss, .window = sf_conf.window,
		.wscale = sf_conf.wscale, .timestamps = sf_conf.timestamps,
		.sack = sf_conf.sack, .ecn = sf_conf.ecn,
		.synack_timeout_ms = sf_conf.synack_timeout_ms,
		.keepalive_ms = sf_conf.keepalive_ms,
		.keepalive_intvl_ms = sf_conf.keepalive_intvl_ms,
		.keepalive_probes = sf_conf.keepalive_probes,
		.idle_timeout_ms = sf_conf.idle_timeout_ms,
		.proxy_protocol = sf_conf.proxy_protocol,
	};
	char abuf[64];
	unsigned int i;
	int ret;

	sf_lparams(&def, &lp);
	sf_engine_listen_defaults(sf_eng, &lp, sf_listen_key, NULL);
	for (i = 0; i < sf_conf.nb_listen; i++) {
		const struct sf_listen_conf *lc = &sf_conf.listen[i];
		const struct sf_lsettings *ls = &lc->ls_s;
		const struct sf_builtin_ops *app = sf_builtin_ops(ls->app);

		sf_lparams(ls, &lp);
		if (lc->ls_pool.nb_backends != 0)
			lp.pool = (uint8_t)lc->ls_pool_id;
		lp.addr = lc->ls_addr;
		lp.port = lc->ls_port;
		if (lc->ls_addr.family == 0)
			snprintf(abuf, sizeof(abuf), "*");
		else
			sf_addr_format(&lc->ls_addr, abuf, sizeof(abuf));
		/* "/32" and "/128" say nothing about a listener. */
		if (strrchr(abuf, '/') != NULL)
			*strrchr(abuf, '/') = '\0';
		ret = sf_engine_listen(sf_eng, &lp);
		if (ret < 0) {
			SF_LOG(ERR, "listener %s%s%s port %u refused: %s",
				lc->ls_name[0] ? lc->ls_name : "",
				lc->ls_name[0] ? " on " : "", abuf, lc->ls_port,
				ret == -EEXIST ?
				"that address and port are listened on already, or a wildcard on the port overlaps" :
				ret == -EINVAL && lp.proxy ?
				"app proxy needs a backend pool: give --backend ADDR:PORT,... (or backend = lines in [synfront] or in its [listener] section)" :
				ret == -EINVAL ?
				"the address is not a unicast host address (multicast, loopback, broadcast, reserved)" :
				strerror(-ret));
			sf_conf_refused = true;
			return ret;
		}
		SF_LOG(INFO, "listening on %s port %u: app %s, backlog %u, "
			"syn_backlog %u, synack_retries %u, syncookies %u",
			abuf, lc->ls_port, app->name,
			RTE_MIN(ls->backlog, sf_conf.somaxconn),
			ls->syn_backlog, ls->synack_retries, ls->syncookies);
		if (lc->ls_addr.family != 0 && !sf_addr_is_ours(&lc->ls_addr))
			SF_LOG(WARNING, "listener %s port %u: no port has "
				"this address, so no segment can reach it "
				"(give it with --addr or [portN] addr=)",
				abuf, lc->ls_port);
		if (ls->backlog > sf_conf.somaxconn)
			SF_LOG(WARNING, "listener %s port %u: backlog %u capped "
				"at somaxconn %u, as listen(2) does", abuf,
				lc->ls_port, ls->backlog, sf_conf.somaxconn);
	}
	if (sf_conf.nb_listen == 0)
		SF_LOG(WARNING, "no listener: TCP segments are answered with "
			"RST%s (give --listen PORT)",
			sf_conf.no_listener_drop ? ", or dropped" : "");
	return 0;
}

/*
 * How flows of a port reach their worker. auto: hardware RSS when the
 * port has a queue pair per worker and RSS on TCP/IP; software steering
 * when it has fewer queues, or several without RSS (the PMD's spread
 * would split flows).
 */
static int
sf_setup_steering(uint16_t port, const struct sf_port_setup *ps)
{
	unsigned int nq = ps->ps_nb_queues, nw = sf_nb_workers;
	bool sw;
	int ret;

	switch (sf_conf.steering) {
	case SF_STEER_SW:
		sw = nw > 1;
		break;
	case SF_STEER_RSS:
		sw = false;
		if (nq < nw)
			SF_LOG(WARNING, "port %u: --steering rss with %u queue "
				"pair(s) for %u workers: workers beyond %u "
				"get nothing from this port", port, nq, nw, nq);
		if (nq > 1 && !ps->ps_rss_capable)
			SF_LOG(WARNING, "port %u: --steering rss, but the port "
				"has no RSS on TCP/IP: the PMD spreads frames "
				"its own way and may split flows", port);
		break;
	default:
		/*
		 * RSS only where synfront can predict it (its key, the RETA
		 * read back): an active open's local port is chosen so that
		 * the server's replies reach the worker that opened it, which
		 * a PMD hashing its own way (net_tap: the kernel picks the
		 * queue) would not honour.
		 */
		sw = nw > 1 && (nq < nw || (nq > 1 && !ps->ps_rss_ours));
		break;
	}
	if (!sw && nq > 1 && !ps->ps_rss_ours)
		SF_LOG(WARNING, "port %u: RSS with the PMD's own hash: the "
			"replies to active opens may reach another worker, "
			"which answers them with RST (--steering sw or auto "
			"avoids it)", port);
	if (!sw && nq > 1 && ps->ps_rss_ours) {
		uint16_t wk[SF_STEER_RETA_SIZE];
		unsigned int i;

		/* Worker i polls queue i of every port (sf_setup()). */
		for (i = 0; i < ps->ps_reta_size; i++)
			wk[i] = ps->ps_reta[i];
		ret = sf_engine_port_rss(sf_eng, port, wk, ps->ps_reta_size);
		if (ret != 0) {
			SF_LOG(ERR, "port %u: RSS table: %s", port,
				strerror(-ret));
			return ret;
		}
	}
	if (!sw) {
		SF_LOG(INFO, "port %u: %s", port, nq > 1 ?
			"RSS on the TCP/IP 4-tuple: each worker polls its queue" :
			"one queue, one worker");
		return 0;
	}
	ret = sf_engine_steer(sf_eng, port);
	if (ret != 0) {
		SF_LOG(ERR, "port %u: software steering: %s", port,
			strerror(-ret));
		return ret;
	}
	SF_LOG(INFO, "port %u: software steering: %u rx queue(s) feed %u "
		"workers over per-core rings", port, nq, nw);
	return 0;
}

/* A backend pool from its configuration: its id, or a negative errno. */
static int
sf_setup_pool(const struct sf_pool_conf *pc, const char *what)
{
	struct sf_pool_params pp;
	char abuf[64];
	unsigned int i;
	int pool, ret;

	sf_pool_params_init(&pp);
	pp.sched = (uint8_t)pc->sched;
	pp.rise = (uint8_t)pc->rise;
	pp.fall = (uint8_t)pc->fall;
	pp.check_ms = pc->check_ms;
	pp.check_timeout_ms = pc->check_timeout_ms;
	pool = sf_engine_pool_add(sf_eng, &pp);
	if (pool < 0) {
		SF_LOG(ERR, "backend pool of %s refused: %s (the check "
			"timeout, %u ms, must lie within 3..backend_check_ms, "
			"%u ms; at most %d pools)", what, strerror(-pool),
			pp.check_timeout_ms, pp.check_ms, SF_MAX_POOLS);
		sf_conf_refused = true;
		return pool;
	}
	for (i = 0; i < pc->nb_backends; i++) {
		const struct sf_backend_conf *bc = &pc->backends[i];

		sf_addr_format(&bc->bc_addr, abuf, sizeof(abuf));
		ret = sf_engine_backend_add(sf_eng, (unsigned int)pool,
			&bc->bc_addr, bc->bc_port, bc->bc_weight);
		if (ret < 0) {
			SF_LOG(ERR, "backend %s port %u of %s refused: %s", abuf,
				bc->bc_port, what, ret == -EEXIST ?
				"given twice" : strerror(-ret));
			sf_conf_refused = true;
			return ret;
		}
		SF_LOG(INFO, "pool %d (%s): backend %s port %u weight %u",
			pool, what, abuf, bc->bc_port, bc->bc_weight);
	}
	return pool;
}

/*
 * Backend pools, health-checked from the workers' clocks, where listeners
 * with app proxy send their clients (docs/synproxy.md): pool 0 from
 * --backend (or [synfront] backend lines), then one per listener with
 * backend lines of its own.
 */
static int
sf_setup_backends(void)
{
	struct sf_proxy_params xp;
	unsigned int i;
	bool any = sf_conf.pool0.nb_backends != 0;
	int ret;

	for (i = 0; i < sf_conf.nb_listen; i++)
		any |= sf_conf.listen[i].ls_pool.nb_backends != 0;
	if (!any)
		return 0;
	sf_proxy_params_init(&xp);
	xp.idle_ms = sf_conf.proxy_idle_ms;
	xp.fin_idle_ms = sf_conf.proxy_fin_idle_ms;
	xp.retries = (uint8_t)sf_conf.backend_retries;
	if (sf_engine_proxy_set(sf_eng, &xp) != 0) {
		SF_LOG(ERR, "proxy settings refused: proxy_idle_ms %u and "
			"proxy_fin_idle_ms %u must be 1000 or more",
			xp.idle_ms, xp.fin_idle_ms);
		sf_conf_refused = true;
		return -EINVAL;
	}
	if (sf_conf.pool0.nb_backends != 0) {
		ret = sf_setup_pool(&sf_conf.pool0, "--backend");
		if (ret < 0)
			return ret;
		sf_pool0 = ret;
	}
	for (i = 0; i < sf_conf.nb_listen; i++) {
		struct sf_listen_conf *lc = &sf_conf.listen[i];

		if (lc->ls_pool.nb_backends == 0)
			continue;
		if (lc->ls_s.app != SF_BUILTIN_PROXY)
			SF_LOG(WARNING, "listener %s: backend lines but app %s: "
				"its pool is only health-checked (app proxy "
				"sends clients to it)", lc->ls_name,
				sf_builtin_name(lc->ls_s.app));
		ret = sf_setup_pool(&lc->ls_pool, lc->ls_name);
		if (ret < 0)
			return ret;
		lc->ls_pool_id = ret;
	}
	return 0;
}

/* Queue pairs asked of each port: one per worker at most, each polls one. */
static uint16_t
sf_nb_pairs(void)
{
	return (uint16_t)(sf_conf.rx_queues != 0 ?
		RTE_MIN(sf_conf.rx_queues, sf_nb_workers) : sf_nb_workers);
}

/* Engine, ports and queue assignment. */
static int
sf_setup(struct sf_port_report **reports, unsigned int *nb_reports)
{
	struct sf_engine_params ep = { 0 };
	unsigned int nb_workers, nb_ports, i, n;
	struct sf_port_setup ps;
	char abuf[64];
	uint16_t port;
	int ret;

	if (sf_setup_lcores() != 0) {
		sf_conf_refused = true;
		return -EINVAL;
	}
	nb_workers = sf_nb_workers;

	nb_ports = rte_eth_dev_count_avail();
	if (nb_ports == 0) {
		SF_LOG(ERR, "no ports: give one with --vdev (e.g. "
			"net_tap0,iface=sf0) or bind a NIC to vfio-pci");
		return -ENODEV;
	}
	/*
	 * Descriptors (or what a PMD keeps in rings of its own), per-lcore
	 * caches, and the rings between lcores (steering and tx hand-off:
	 * 1024 frames per pair at most).
	 */
	n = rte_lcore_count() * SF_MBUF_CACHE * 2 +
		(nb_workers > 1 ? nb_workers * 2048 : 0);
	RTE_ETH_FOREACH_DEV(port)
		n += sf_port_pool_need(port, sf_nb_pairs());
	sf_pool = rte_pktmbuf_pool_create("sf_mbufs",
			RTE_MAX(n, (unsigned int)SF_MIN_MBUFS), SF_MBUF_CACHE, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (sf_pool == NULL) {
		SF_LOG(ERR, "cannot create the mbuf pool of %u mbufs: %s",
			RTE_MAX(n, (unsigned int)SF_MIN_MBUFS),
			rte_strerror(rte_errno));
		return -rte_errno;
	}
	ep.nb_workers = nb_workers;
	ep.nb_apps = sf_nb_apps;
	ep.socket_id = (int)rte_socket_id();
	ep.tx_drain_us = sf_conf.tx_drain_us;
	ep.pool = sf_pool;
	ep.max_requests = sf_conf.max_requests;
	ep.max_conns = sf_conf.max_conns;
	ep.max_time_wait = sf_conf.max_time_wait;
	sf_builtin_greeting(sf_conf.greeting, sf_conf.greeting_len);
	ep.somaxconn = sf_conf.somaxconn;
	ep.time_wait_ms = sf_conf.time_wait_ms;
	ep.sndbuf = sf_conf.sndbuf;
	ep.tcp_retries2 = (uint8_t)sf_conf.tcp_retries2;
	ep.local_port_lo = (uint16_t)sf_conf.local_port_lo;
	ep.local_port_hi = (uint16_t)sf_conf.local_port_hi;
	ep.tw_reuse = sf_conf.tw_reuse;
	ep.syn_retries = (uint8_t)sf_conf.syn_retries;
	ep.no_listener_drop = sf_conf.no_listener_drop;
	ep.no_icmp_errors = !sf_conf.icmp_errors;
	/* The config's 0 is Linux's "no limit"; the engine's 0 a default. */
	ep.icmp_ratelimit_ms = sf_conf.icmp_ratelimit != 0 ?
		sf_conf.icmp_ratelimit : SF_ICMP_NO_LIMIT;
	ep.icmp_msgs_per_sec = sf_conf.icmp_msgs_per_sec != 0 ?
		sf_conf.icmp_msgs_per_sec : SF_ICMP_NO_LIMIT;
	ep.icmp_msgs_burst = sf_conf.icmp_msgs_burst;
	ep.cookie_secret = sf_conf.cookie_secret_set ?
		sf_conf.cookie_secret : NULL;
	sf_eng = sf_engine_create(&ep);
	if (sf_eng == NULL) {
		SF_LOG(ERR, "cannot create the engine: %s",
			rte_strerror(rte_errno));
		return -rte_errno;
	}
	*reports = calloc(nb_ports, sizeof(**reports));
	if (*reports == NULL)
		return -ENOMEM;

	for (port = 0; port < RTE_MAX_ETHPORTS; port++) {
		if (sf_conf.addrs[port].pa_nb != 0 &&
		    !rte_eth_dev_is_valid_port(port)) {
			SF_LOG(ERR, "addresses given for port %u, but there "
				"are %u port(s) (ids from 0)", port, nb_ports);
			sf_conf_refused = true;
			return -EINVAL;
		}
	}
	if (sf_conf.rx_queues > nb_workers)
		SF_LOG(WARNING, "rx_queues %u capped at %u, one queue pair per "
			"worker", sf_conf.rx_queues, nb_workers);
	RTE_ETH_FOREACH_DEV(port) {
		ret = sf_port_init(port, sf_pool, sf_nb_pairs(),
				SF_LINK_WAIT_MS, &ps);
		if (ret != 0)
			return ret;
		sf_pmd_kept += ps.ps_pmd_kept;
		(*reports)[*nb_reports].pr_port = port;
		(*nb_reports)++;
		ret = sf_engine_port_add(sf_eng, port, &ps.ps_conf);
		if (ret != 0)
			return ret;
		for (i = 0; i < sf_conf.addrs[port].pa_nb; i++) {
			const struct sf_addr *a = &sf_conf.addrs[port].pa_addr[i];

			sf_addr_format(a, abuf, sizeof(abuf));
			ret = sf_engine_addr_add(sf_eng, port, a);
			if (ret != 0) {
				SF_LOG(ERR, "port %u: address %s refused: %s",
					port, abuf, ret == -EINVAL ?
					"not a unicast host address" :
					strerror(-ret));
				sf_conf_refused = true;
				return ret;
			}
			SF_LOG(INFO, "port %u: address %s", port, abuf);
		}
		if (sf_conf.addrs[port].pa_nb == 0)
			SF_LOG(WARNING, "port %u has no address: it answers "
				"nothing (give --addr or [port%u] addr=)",
				port, port);
		for (i = 0; i < ps.ps_nb_queues && i < nb_workers; i++) {
			ret = sf_worker_queue_add(sf_engine_worker(sf_eng, i),
					port, i);
			if (ret != 0)
				return ret;
		}
		ret = sf_setup_steering(port, &ps);
		if (ret != 0)
			return ret;
		/*
		 * Switches and neighbours learn where our addresses are
		 * (Linux sends the same when an address comes up); a worker
		 * sends them at its first polls.
		 */
		if (sf_conf.announce && sf_conf.addrs[port].pa_nb != 0)
			sf_engine_announce(sf_eng, port);
	}
	ret = sf_setup_routes();
	if (ret != 0)
		return ret;
	/* Pools first: a proxy listener names one. */
	ret = sf_setup_backends();
	if (ret != 0)
		return ret;
	/* The HTTP responder too: an http listener takes its callbacks. */
	ret = sf_httpd_setup(&sf_conf, sf_conf.max_conns * sf_nb_workers);
	if (ret != 0)
		return ret;
	ret = sf_setup_listeners();
	if (ret != 0)
		return ret;
	ret = sf_engine_telemetry_register(sf_eng);
	if (ret != 0)
		SF_LOG(WARNING, "telemetry commands not registered: %s",
			strerror(-ret));
	return sf_client_init(sf_eng, &sf_conf);
}

/*
 * rte_eal_init(), with one change: on a bad EAL option EAL prints its
 * getopt message (stderr) and then its whole usage (~130 lines on stdout),
 * which buries the message. Unless help was asked for, stdout is parked on
 * /dev/null for the duration; EAL's log lines go to stderr and stay.
 */
static int
sf_eal_init(int argc, char **argv)
{
	bool help = false;
	int i, saved = -1, devnull, ret;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			help = true;
	if (!help) {
		fflush(stdout);
		devnull = open("/dev/null", O_WRONLY);
		if (devnull >= 0) {
			saved = dup(STDOUT_FILENO);
			dup2(devnull, STDOUT_FILENO);
			close(devnull);
		}
	}
	ret = rte_eal_init(argc, argv);
	if (saved >= 0) {
		fflush(stdout);
		dup2(saved, STDOUT_FILENO);
		close(saved);
	}
	return ret;
}

int
main(int argc, char **argv)
{
	struct sf_port_report *reports = NULL;
	struct sf_pool_report pool = { 0 };
	unsigned int nb_reports = 0, i;
	int ret, exit_code = EXIT_SUCCESS;

	/*
	 * synfront's own options are checked before EAL starts, so a typo
	 * costs no EAL start-up and gets one clear message.
	 */
	sf_conf_defaults(&sf_conf);
	for (i = 1; i < (unsigned int)argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			int n = argc - (int)i;
			char *saved = argv[i];

			argv[i] = argv[0];
			ret = sf_conf_parse(&sf_conf, n, argv + i);
			argv[i] = saved;
			if (ret != 0)
				return ret > 0 ? EXIT_SUCCESS : SF_EXIT_USAGE;
			break;
		}
	}

	rte_set_application_usage_hook(sf_usage_hook);
	ret = sf_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "synfront: EAL initialisation failed: %s; "
			"EAL options go before '--', synfront's after it "
			"(synfront -- --help)\n", rte_strerror(rte_errno));
		return rte_errno == EINVAL ? SF_EXIT_USAGE : EXIT_FAILURE;
	}

	force_quit = false;
	signal(SIGINT, signal_handler);
	signal(SIGTERM, signal_handler);
	/* Before the ports start: dumpcap may attach from then on. */
	sf_capture_init();

	ret = sf_setup(&reports, &nb_reports);
	if (ret != 0) {
		/* A bad address is a bad value, like a typo: exit 2. */
		exit_code = sf_conf_refused ? SF_EXIT_USAGE : EXIT_FAILURE;
		force_quit = true;
	} else {
		rte_eal_mp_remote_launch(sf_lcore_main, NULL, CALL_MAIN);
		rte_eal_mp_wait_lcore();
		SF_LOG(INFO, "stopping");
	}

	if (sf_eng != NULL)
		sf_stats_final(stdout, sf_eng);
	for (i = 0; i < nb_reports; i++) {
		sf_stats_port_report(reports[i].pr_port, &reports[i]);
		sf_capture_report(reports[i].pr_port);
	}
	/*
	 * Frames still in the rings between lcores go home first, so that
	 * the pool only grows by what the ports give back as they close.
	 */
	if (sf_eng != NULL)
		sf_engine_drain(sf_eng);
	for (i = 0; i < nb_reports; i++)
		sf_port_fini(reports[i].pr_port, sf_pool);

	/*
	 * Every mbuf must be home now: the rx rings were emptied by closing
	 * the ports, each worker flushed its tx buffers on the way out (a
	 * flush sends or frees, it never keeps), sf_engine_drain() freed
	 * what waited between lcores or with queued connections, and
	 * sf_port_fini() made net_af_xdp free what it sent. The one
	 * exception is a PMD that never frees its own rings (sf_pmd_kept),
	 * which the audit checks mbuf by mbuf.
	 */
	if (sf_pool != NULL &&
	    sf_pool_audit(sf_pool, sf_pmd_kept, &pool) != 0)
		exit_code = EXIT_FAILURE;
	if (sf_conf.stats_file[0] != '\0' && sf_eng != NULL) {
		ret = sf_stats_write_json(sf_conf.stats_file, sf_eng,
				reports, nb_reports, &pool);
		if (ret != 0) {
			SF_LOG(ERR, "cannot write %s: %s", sf_conf.stats_file,
				strerror(-ret));
			exit_code = EXIT_FAILURE;
		}
	}
	sf_engine_free(sf_eng);
	/* After the engine: its last connections' on_close came first. */
	sf_httpd_free();
	free(reports);
	rte_mempool_free(sf_pool);
	sf_capture_fini();
	rte_eal_cleanup();
	return exit_code;
}
