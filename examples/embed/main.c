/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * embed: the smallest DPDK program that embeds the synfront engine, built
 * against an installed synfront with pkg-config and nothing else (the
 * public headers sf_engine.h and sf_tcp.h, and libsynfront).
 *
 * One port, one rx/tx queue pair, one lcore. The engine answers ARP, ICMP
 * echo and neighbour discovery for the addresses given with -a, and
 * terminates TCP handshakes on the port given with -p; each connection it
 * hands over is counted and closed at once (FIN), so a client reads EOF.
 * SIGINT or SIGTERM stops the loop; the program then prints the engine's
 * counters and its own, frees everything, and exits 0 when every mbuf is
 * back in its pool.
 *
 *   embed -l 0 --no-huge -m 512 --no-pci --vdev net_tap0,iface=emb0 \
 *       -- -a 10.10.0.1/24 -a fd00:10:10::1/64 -p 80
 *
 * main() reads as l2fwd's: EAL init, signals, arguments, mempool, port,
 * engine, poll loop, stop, cleanup.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include <sf_engine.h>
#include <sf_tcp.h>

#define RTE_LOGTYPE_EMBED RTE_LOGTYPE_USER1

#define EMBED_NB_RXD 1024
#define EMBED_NB_TXD 1024
#define EMBED_MBUF_CACHE 256
/*
 * Rx and tx rings, the mempool cache, and the engine's own: its tx buffer
 * and the FINs it sends on its own. 8191 (2^13 - 1) is twice that.
 */
#define EMBED_NB_MBUFS 8191
#define EMBED_MAX_ADDRS 8
/* Exit code of a bad argument, as for the synfront application. */
#define EMBED_EXIT_USAGE 2

static volatile bool force_quit;

/*
 * What the callbacks saw. They run on the one worker lcore (the engine
 * has no application contexts here), and the main thread reads this
 * only after that lcore stopped polling: no atomics needed.
 */
static struct {
	uint64_t accepted_v4;
	uint64_t accepted_v6;
	uint64_t close_failed;            /* sf_conn_close() refused */
	uint64_t closed[SF_CLOSE_MAX]; /* by enum sf_close_reason */
} tally;

static struct sf_addr addrs[EMBED_MAX_ADDRS];
static unsigned int nb_addrs;
static uint16_t tcp_port = 80;
static uint32_t time_wait_ms;          /* 0: the engine's default */

static void
signal_handler(int signum)
{
	if (signum == SIGINT || signum == SIGTERM)
		force_quit = true;
}

/* A connection completed the handshake: count it and close it (FIN). */
static void
embed_on_accept(struct sf_conn *c, const struct sf_conn_info *ci, void *arg)
{
	RTE_SET_USED(arg);
	if (ci->remote.family == AF_INET)
		tally.accepted_v4++;
	else
		tally.accepted_v6++;
	if (sf_conn_close(c) != 0)
		tally.close_failed++;
}

/*
 * The connection ended (SF_CLOSE_DONE after our FIN and the peer's), or
 * the peer reset it. A peer's FIN (SF_CLOSE_PEER_FIN) cannot come before
 * ours here, as ours goes out in on_accept; were it to, closing answers it.
 */
static void
embed_on_close(struct sf_conn *c, enum sf_close_reason why, void *arg)
{
	RTE_SET_USED(arg);
	tally.closed[why]++;
	if (why == SF_CLOSE_PEER_FIN)
		sf_conn_close(c);
}

static void
embed_usage(const char *prgname)
{
	fprintf(stderr, "usage: %s [EAL options] -- -a ADDR/PREFIX "
		"[-a ADDR/PREFIX ...] [-p PORT] [-t MS]\n"
		"  -a ADDR/PREFIX  an address of port 0, IPv4 or IPv6 "
		"(at most %d)\n"
		"  -p PORT         TCP port to listen on (default 80)\n"
		"  -t MS           TIME-WAIT after our close (default: the "
		"engine's, 60000)\n",
		prgname, EMBED_MAX_ADDRS);
}

/* Returns 0, or -EINVAL after saying which argument is wrong. */
static int
embed_parse_args(int argc, char **argv)
{
	const char *prgname = argv[0];
	unsigned long v;
	char *end;
	int opt;

	while ((opt = getopt(argc, argv, "a:p:t:h")) != -1) {
		switch (opt) {
		case 'a':
			if (nb_addrs == EMBED_MAX_ADDRS) {
				fprintf(stderr, "-a: more than %d addresses\n",
					EMBED_MAX_ADDRS);
				return -EINVAL;
			}
			if (sf_addr_parse(optarg, &addrs[nb_addrs]) != 0) {
				fprintf(stderr, "-a '%s': expected ADDR/PREFIX, "
					"e.g. 10.10.0.1/24 or fd00::1/64\n",
					optarg);
				return -EINVAL;
			}
			nb_addrs++;
			break;
		case 'p':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || v == 0 || v > 65535) {
				fprintf(stderr, "-p '%s': expected a TCP port, "
					"1..65535\n", optarg);
				return -EINVAL;
			}
			tcp_port = (uint16_t)v;
			break;
		case 't':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || v == 0 ||
			    v > 600000) {
				fprintf(stderr, "-t '%s': expected milliseconds, "
					"1..600000\n", optarg);
				return -EINVAL;
			}
			time_wait_ms = (uint32_t)v;
			break;
		default:
			embed_usage(prgname);
			return -EINVAL;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "unexpected argument '%s'\n", argv[optind]);
		embed_usage(prgname);
		return -EINVAL;
	}
	if (nb_addrs == 0) {
		fprintf(stderr, "no address: give at least one -a "
			"ADDR/PREFIX\n");
		embed_usage(prgname);
		return -EINVAL;
	}
	return 0;
}

/*
 * One rx/tx queue pair, with the checksum offloads the port has (the
 * engine uses what it is told in sf_port_conf). Fills conf for the engine.
 */
static int
embed_port_init(uint16_t port, struct rte_mempool *pool,
		struct sf_port_conf *conf)
{
	const uint64_t rx_want = RTE_ETH_RX_OFFLOAD_IPV4_CKSUM |
		RTE_ETH_RX_OFFLOAD_TCP_CKSUM;
	const uint64_t tx_want = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM |
		RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
	struct rte_eth_conf port_conf = { 0 };
	struct rte_eth_dev_info info;
	struct rte_eth_rxconf rxq;
	struct rte_eth_txconf txq;
	uint16_t nb_rxd = EMBED_NB_RXD, nb_txd = EMBED_NB_TXD;
	int socket = rte_eth_dev_socket_id(port);
	int ret;

	ret = rte_eth_dev_info_get(port, &info);
	if (ret != 0)
		return ret;
	port_conf.rxmode.offloads = info.rx_offload_capa & rx_want;
	port_conf.txmode.offloads = info.tx_offload_capa & tx_want;
	ret = rte_eth_dev_configure(port, 1, 1, &port_conf);
	if (ret != 0)
		return ret;
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nb_rxd, &nb_txd);
	if (ret != 0)
		return ret;
	if (socket < 0)
		socket = (int)rte_socket_id();
	rxq = info.default_rxconf;
	rxq.offloads = port_conf.rxmode.offloads;
	txq = info.default_txconf;
	txq.offloads = port_conf.txmode.offloads;
	ret = rte_eth_rx_queue_setup(port, 0, nb_rxd, socket, &rxq, pool);
	if (ret != 0)
		return ret;
	ret = rte_eth_tx_queue_setup(port, 0, nb_txd, socket, &txq);
	if (ret != 0)
		return ret;
	ret = rte_eth_macaddr_get(port, &conf->mac);
	if (ret != 0)
		return ret;
	ret = rte_eth_dev_start(port);
	if (ret != 0)
		return ret;
	/* Neighbour solicitations go to solicited-node multicast groups. */
	ret = rte_eth_allmulticast_enable(port);
	if (ret != 0 && ret != -ENOTSUP)
		RTE_LOG(WARNING, EMBED, "port %u: all-multicast: %s\n", port,
			strerror(-ret));
	conf->rx_offloads = port_conf.rxmode.offloads;
	conf->tx_offloads = port_conf.txmode.offloads;
	if (rte_eth_dev_get_mtu(port, &conf->mtu) != 0)
		conf->mtu = RTE_ETHER_MTU;
	return 0;
}

/* Every counter that moved. */
static void
embed_print_counters(const struct sf_engine *eng)
{
	uint64_t cnt[SF_CNT_MAX];
	unsigned int i;

	sf_engine_counters(eng, cnt);
	printf("counters:\n");
	for (i = 0; i < SF_CNT_MAX; i++)
		if (cnt[i] != 0)
			printf("  %s %" PRIu64 "\n",
				sf_counter_name((enum sf_counter)i), cnt[i]);
}

/* What the callbacks saw. */
static void
embed_print_tally(void)
{
	printf("accepted: ipv4 %" PRIu64 " ipv6 %" PRIu64
		" (close refused %" PRIu64 ")\n",
		tally.accepted_v4, tally.accepted_v6, tally.close_failed);
	printf("closed: done %" PRIu64 " reset %" PRIu64 " abort %" PRIu64
		" peer_fin %" PRIu64 "\n", tally.closed[SF_CLOSE_DONE],
		tally.closed[SF_CLOSE_RESET], tally.closed[SF_CLOSE_ABORT],
		tally.closed[SF_CLOSE_PEER_FIN]);
}

int
main(int argc, char **argv)
{
	struct sf_engine_params ep = { 0 };
	struct sf_listener_params lp;
	struct sf_port_conf pconf = { 0 };
	struct rte_mempool *pool;
	struct sf_engine *eng;
	struct sf_worker *w;
	const uint16_t port = 0;
	unsigned int i, in_use;
	char buf[64];
	int ret, exit_code = EXIT_SUCCESS;

	ret = rte_eal_init(argc, argv);
	if (ret < 0)
		rte_exit(EXIT_FAILURE, "EAL initialisation failed: %s\n",
			rte_strerror(rte_errno));
	argc -= ret;
	argv += ret;
	argv[0] = argv[-ret];

	force_quit = false;
	signal(SIGINT, signal_handler);
	signal(SIGTERM, signal_handler);

	if (embed_parse_args(argc, argv) != 0) {
		rte_eal_cleanup();
		return EMBED_EXIT_USAGE;
	}
	if (!rte_eth_dev_is_valid_port(port))
		rte_exit(EXIT_FAILURE, "no port 0: give one with --vdev "
			"(e.g. net_tap0,iface=emb0)\n");

	pool = rte_pktmbuf_pool_create("embed_mbufs", EMBED_NB_MBUFS,
			EMBED_MBUF_CACHE, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
			rte_socket_id());
	if (pool == NULL)
		rte_exit(EXIT_FAILURE, "cannot create the mbuf pool: %s\n",
			rte_strerror(rte_errno));
	ret = embed_port_init(port, pool, &pconf);
	if (ret != 0)
		rte_exit(EXIT_FAILURE, "port %u: %s\n", port, strerror(-ret));

	/* One worker (this lcore), inline callbacks, engine defaults. */
	ep.nb_workers = 1;
	ep.time_wait_ms = time_wait_ms;
	ep.socket_id = (int)rte_socket_id();
	ep.pool = pool;
	eng = sf_engine_create(&ep);
	if (eng == NULL)
		rte_exit(EXIT_FAILURE, "cannot create the engine: %s\n",
			rte_strerror(rte_errno));
	w = sf_engine_worker(eng, 0);
	if (sf_engine_port_add(eng, port, &pconf) != 0 ||
	    sf_worker_queue_add(w, port, 0) != 0)
		rte_exit(EXIT_FAILURE, "cannot give port %u to the engine\n",
			port);
	for (i = 0; i < nb_addrs; i++) {
		sf_addr_format(&addrs[i], buf, sizeof(buf));
		ret = sf_engine_addr_add(eng, port, &addrs[i]);
		if (ret != 0)
			rte_exit(EXIT_FAILURE, "address %s refused: %s\n", buf,
				strerror(-ret));
		RTE_LOG(INFO, EMBED, "port %u: address %s\n", port, buf);
	}

	/* family 0: every address of the port, IPv4 and IPv6. */
	sf_listener_params_init(&lp);
	lp.port = tcp_port;
	lp.on_accept = embed_on_accept;
	lp.on_close = embed_on_close;
	ret = sf_engine_listen(eng, &lp);
	if (ret < 0)
		rte_exit(EXIT_FAILURE, "listen on port %u: %s\n", tcp_port,
			strerror(-ret));
	/* Last: a program watching telemetry knows the engine is up. */
	ret = sf_engine_telemetry_register(eng);
	if (ret != 0)
		RTE_LOG(WARNING, EMBED, "telemetry: %s\n", strerror(-ret));
	RTE_LOG(INFO, EMBED, "listening on port %u; Ctrl-C stops\n",
		tcp_port);

	while (!force_quit)
		sf_worker_poll(w);

	/* The order sf_engine.h gives: stop, ports, drain, free. */
	sf_worker_stop(w);
	embed_print_counters(eng);
	ret = rte_eth_dev_stop(port);
	if (ret != 0)
		RTE_LOG(WARNING, EMBED, "port %u: stop: %s\n", port,
			strerror(-ret));
	rte_eth_dev_close(port);
	sf_engine_drain(eng);
	in_use = rte_mempool_in_use_count(pool);
	printf("mbufs in use: %u of %u\n", in_use, pool->size);
	if (in_use != 0)
		exit_code = EXIT_FAILURE;
	/* Connections still open hear SF_CLOSE_ABORT in here. */
	sf_engine_free(eng);
	embed_print_tally();
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return exit_code;
}
