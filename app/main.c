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
#include "sf_conf.h"
#include "sf_engine.h"
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
 * Every enabled lcore is a worker, the main one included; the main lcore
 * also prints the stats line, so the stats never cost a worker a core of
 * its own on a 2-core machine.
 */
static int
sf_lcore_main(void *arg)
{
	struct sf_worker *w;
	uint64_t prev[SF_CNT_MAX] = { 0 };
	uint64_t hz = rte_get_tsc_hz(), next = 0, last = 0, now;
	bool is_main = rte_lcore_id() == rte_get_main_lcore();
	int idx = rte_lcore_index(rte_lcore_id());

	RTE_SET_USED(arg);
	w = sf_engine_worker(sf_eng, (unsigned int)idx);
	if (w == NULL || (sf_worker_queue_count(w) == 0 && !is_main)) {
		SF_LOG(INFO, "lcore %u: no queue to poll, idle",
			rte_lcore_id());
		return 0;
	}
	SF_LOG(INFO, "lcore %u: worker %d polling %u queue(s)",
		rte_lcore_id(), idx, sf_worker_queue_count(w));
	if (is_main && sf_conf.stats_interval != 0) {
		last = rte_rdtsc();
		next = last + hz * sf_conf.stats_interval;
	}
	while (!force_quit) {
		sf_worker_poll(w);
		if (next != 0 && (now = rte_rdtsc()) >= next) {
			sf_stats_line(stdout, sf_eng, prev,
				(double)(now - last) / hz, sf_pool);
			last = now;
			next = now + hz * sf_conf.stats_interval;
		}
	}
	sf_worker_flush(w);
	return 0;
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

/* The listeners of the configuration, fed by the built-in application. */
static int
sf_setup_listeners(void)
{
	struct sf_listener_params lp;
	char abuf[64];
	unsigned int i;
	int ret;

	for (i = 0; i < sf_conf.nb_listen; i++) {
		const struct sf_listen_conf *lc = &sf_conf.listen[i];
		const struct sf_lsettings *ls = &lc->ls_s;
		const struct sf_app_ops *app = sf_app_ops(ls->app);

		sf_listener_params_init(&lp);
		lp.addr = lc->ls_addr;
		lp.port = lc->ls_port;
		lp.backlog = ls->backlog;
		lp.syn_backlog = ls->syn_backlog;
		lp.synack_retries = (uint8_t)ls->synack_retries;
		lp.defer_accept = ls->defer_accept;
		lp.abort_on_overflow = ls->abort_on_overflow;
		lp.syncookies = (uint8_t)ls->syncookies;
		lp.mss = (uint16_t)ls->mss;
		lp.window = (uint16_t)ls->window;
		lp.wscale = (uint8_t)ls->wscale;
		lp.timestamps = ls->timestamps;
		lp.sack = ls->sack;
		lp.ecn = ls->ecn;
		lp.on_accept = app->on_accept;
		lp.on_close = app->on_close;
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

/* Engine, ports and queue assignment. */
static int
sf_setup(struct sf_port_report **reports, unsigned int *nb_reports)
{
	struct sf_engine_params ep = { 0 };
	unsigned int nb_workers = rte_lcore_count(), nb_ports, i, n;
	struct sf_port_setup ps;
	char abuf[64];
	uint16_t port;
	int ret;

	nb_ports = rte_eth_dev_count_avail();
	if (nb_ports == 0) {
		SF_LOG(ERR, "no ports: give one with --vdev (e.g. "
			"net_tap0,iface=sf0) or bind a NIC to vfio-pci");
		return -ENODEV;
	}
	n = nb_ports * (nb_workers * (SF_NB_RXD + SF_NB_TXD)) +
		nb_workers * SF_MBUF_CACHE * 2;
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
	ep.socket_id = (int)rte_socket_id();
	ep.tx_drain_us = sf_conf.tx_drain_us;
	ep.pool = sf_pool;
	ep.max_requests = sf_conf.max_requests;
	ep.max_conns = sf_conf.max_conns;
	ep.somaxconn = sf_conf.somaxconn;
	ep.time_wait_ms = sf_conf.time_wait_ms;
	ep.no_listener_drop = sf_conf.no_listener_drop;
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
	RTE_ETH_FOREACH_DEV(port) {
		ret = sf_port_init(port, sf_pool, nb_workers, SF_LINK_WAIT_MS,
				&ps);
		if (ret != 0)
			return ret;
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
		for (i = 0; i < ps.ps_nb_queues; i++) {
			ret = sf_worker_queue_add(sf_engine_worker(sf_eng, i),
					port, i);
			if (ret != 0)
				return ret;
		}
	}
	ret = sf_setup_listeners();
	if (ret != 0)
		return ret;
	if (sf_conf.steering == SF_STEER_SW || sf_conf.app_lcores[0] != '\0')
		SF_LOG(WARNING, "--steering sw and --app-lcores are not "
			"built yet: flows stay on the queue RSS or the PMD "
			"gives them, and run inline");
	ret = sf_engine_telemetry_register(sf_eng);
	if (ret != 0)
		SF_LOG(WARNING, "telemetry commands not registered: %s",
			strerror(-ret));
	return 0;
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
	for (i = 0; i < nb_reports; i++)
		sf_stats_port_report(reports[i].pr_port, &reports[i]);
	for (i = 0; i < nb_reports; i++)
		sf_port_fini(reports[i].pr_port);

	/*
	 * Every mbuf must be home now: the rx rings were emptied by closing
	 * the ports and each worker flushed its tx buffers on the way out
	 * (a flush sends or frees, it never keeps).
	 */
	if (sf_pool != NULL) {
		snprintf(pool.pp_name, sizeof(pool.pp_name), "%s",
			sf_pool->name);
		pool.pp_size = sf_pool->size;
		pool.pp_avail = rte_mempool_avail_count(sf_pool);
		if (pool.pp_avail != pool.pp_size) {
			SF_LOG(ERR, "mbuf leak: %u of %u mbufs not back in "
				"the pool", pool.pp_size - pool.pp_avail,
				pool.pp_size);
			exit_code = EXIT_FAILURE;
		} else {
			SF_LOG(INFO, "all %u mbufs back in the pool",
				pool.pp_size);
		}
	}
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
	free(reports);
	rte_mempool_free(sf_pool);
	rte_eal_cleanup();
	return exit_code;
}
