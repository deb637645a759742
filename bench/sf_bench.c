/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * sf_bench: the engine alone, fed through an in-memory ethdev.
 *
 * A net_ring port (rte_eth_from_rings) stands between a generator and the
 * engine: the generator enqueues frames on the rings the port receives
 * from and takes the engine's replies off the rings it transmits to. The
 * engine does all its real work: parse, checksum checks, lookups, cookie
 * or request, header rewrite and checksums of the reply, tx burst.
 *
 * Phases (each run has a fresh engine):
 *   cookie_syn    N SYNs to a syncookies=2 listener -> N SYN-ACKs
 *   cookie_ack    the N third ACKs (cookies validated) -> N accepts
 *   stateful_syn  N SYNs to a syncookies=0 listener -> N requests
 *   stateful_ack  the N third ACKs -> N connections accepted
 * N distinct flows per phase. Every worker lcore is its own generator:
 * it queues a batch (--batch, a NIC ring's worth) of SYNs built with
 * sfg_syn_make(), or of third ACKs made from its SYN-ACKs by sfg_answer(),
 * on its rx ring, then polls the engine until the batch is taken and the
 * replies flushed -- only this is timed -- then takes the replies off its
 * tx ring. Cycles per packet = timed TSC cycles / frames; Mpps = frames /
 * the busiest worker's timed seconds. The generator's cost is outside
 * the timed window, so W workers take W cores.
 *
 *   echo64        the data path: C connections per worker established
 *   echo1460      first (not timed), then N data segments of 64 or 1,460
 *                 bytes in all, in order, rotating over the connections,
 *                 to a listener whose on_data sends every byte back
 *                 (sf_conn_send() inline on the worker); each segment
 *                 acknowledges what the connection echoed so far, as a
 *                 real peer's next segment does. The generator checks
 *                 every echoed byte against what it sent.
 *
 *   proxy_open    the SYN proxy (issue 18, docs/synproxy.md): P pairs
 *   proxy_fwd     per worker opened through a proxy listener (cookies)
 *                 to one backend on the same port, the generator playing
 *                 clients and backend: SYN, third ACK (-> backend SYN),
 *                 backend SYN-ACK (-> the ACK that splices), all timed,
 *                 counted in pairs; then N client segments of 1,448
 *                 bytes with timestamps that the backend sends back,
 *                 every one spliced both ways: 2N segments counted. See
 *                 "The proxy phases" below.
 *
 *   http_close    the HTTP/1.1 responder (issue 19, docs/http.md): N
 *   http_keepalive connections, each SYN, third ACK with a request
 *                 and Connection: close, the client's FIN (all timed,
 *                 counted in connections); then C connections per
 *                 worker and N keep-alive requests over them (counted in
 *                 requests). See "The HTTP phases" below.
 *
 *   live          (1 worker, a second lcore) the generator runs at the
 *                 same time on its own lcore: builds SYN bursts, enqueues
 *                 them, frees the SYN-ACKs; for --live-ms.
 *
 * Every phase checks what came out (every reply a SYN-ACK, checksums of
 * a sample verified, counters as expected, no drops) and says "valid".
 * Output: JSON on stdout, or in --json FILE.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_tcp.h>

#include "sf_counters.h"
#include "sf_engine.h"
#include "sf_engine_pvt.h"
#include "sf_http.h"
#include "sf_neigh.h"
#include "sf_proxy.h"
#include "sf_tcp.h"
#include "sf_tcp_pvt.h"
#include "sfg_pkt.h"

#define SFB_MAX_WORKERS 8
#define SFB_MAX_RUNS 64
#define SFB_BURST 32
/* Frames whose checksums are recomputed to check each phase's output. */
#define SFB_CKSUM_SAMPLE 4096
/* Frames the live generator keeps queued at most: a stream, not a backlog. */
#define SFB_LIVE_QUEUE 4096

enum sfb_phase {
	SFB_COOKIE_SYN,
	SFB_COOKIE_ACK,
	SFB_STATEFUL_SYN,
	SFB_STATEFUL_ACK,
	SFB_ECHO64,
	SFB_ECHO1460,
	SFB_PROXY_OPEN,
	SFB_PROXY_FWD,
	SFB_HTTP_CLOSE,
	SFB_HTTP_KEEPALIVE,
	SFB_NB_PHASES,
};

static const char *const sfb_phase_name[SFB_NB_PHASES] = {
	"cookie_syn", "cookie_ack", "stateful_syn", "stateful_ack",
	"echo64", "echo1460", "proxy_open", "proxy_fwd", "http_close",
	"http_keepalive",
};

/* Payload bytes of each echo phase's data segments. */
static const uint16_t sfb_echo_len[SFB_NB_PHASES] = {
	[SFB_ECHO64] = 64, [SFB_ECHO1460] = 1460,
};

static inline bool
sfb_is_echo(unsigned int ph)
{
	return ph == SFB_ECHO64 || ph == SFB_ECHO1460;
}

static inline bool
sfb_is_proxy(unsigned int ph)
{
	return ph == SFB_PROXY_OPEN || ph == SFB_PROXY_FWD;
}

static inline bool
sfb_is_http(unsigned int ph)
{
	return ph == SFB_HTTP_CLOSE || ph == SFB_HTTP_KEEPALIVE;
}

static struct {
	unsigned int workers;
	uint32_t n;
	unsigned int runs;
	unsigned int live_ms;
	bool phase_on[SFB_NB_PHASES];
	const char *json;
	int family;
	uint32_t echo_conns;    /* connections per worker of an echo phase */
	uint32_t px_conns;      /* pairs per worker of the proxy phases */
} opt = {
	.echo_conns = 1024,
	.px_conns = 16384,
	.workers = 1,
	.n = 1u << 19,
	.runs = 5,
	.live_ms = 1000,
	.family = AF_INET,
};

/* One run of one phase. */
struct sfb_res {
	double mpps;            /* frames / the busiest worker's time */
	double cycles;          /* timed cycles per frame, all workers */
	double wall_s;          /* the busiest worker's timed seconds */
	bool valid;
	char why[96];           /* when not valid */
	/* echo phases: cycles and mpps count the data segments in */
	double gbps;            /* payload echoed, Gbit/s, busiest worker */
	uint64_t bytes;         /* payload echoed (= sent) */
	uint64_t segs_out;      /* data segments out */
	uint64_t acks_out;      /* segments out without data */
	uint64_t dup_segs;      /* data segments out holding no new byte */
	double mbufs_per_conn;  /* held by the send queues at the end */
};

static struct rte_mempool *sfb_pool;
/* mbufs of 2 KiB data room: data segments and the echo's send queues */
static struct rte_mempool *sfb_dpool;
static bool sfb_multiseg;          /* the port chains data by reference */
static uint16_t sfb_port;
static struct rte_ring *sfb_rx[SFB_MAX_WORKERS], *sfb_tx[SFB_MAX_WORKERS];
static struct sf_engine *sfb_eng;
static struct sfg_cfg sfb_cfg;
static void sfb_on_accept(struct sf_conn *c, const struct sf_conn_info *ci,
		void *arg);
static struct sfg_tmpl sfb_tmpl;
/*
 * The echo phases' SYNs: without timestamps unless --echo-ts, so that a
 * 1,460-byte message is one full-sized segment (MSS 1460) each way; with
 * them the MSS leaves 1,448 bytes a segment, as on Linux.
 */
static struct sfg_tmpl sfb_etmpl;
static bool sfb_echo_ts;
static uint64_t sfb_hz, sfb_rnd = 0x5eed5eed12345678ULL;
static volatile int sfb_go;          /* start signal of a phase */
static volatile bool sfb_live_stop;
static struct sfb_res sfb_results[SFB_NB_PHASES][SFB_MAX_RUNS];
static struct sfb_res sfb_live[SFB_MAX_RUNS];
static double sfb_live_offered[SFB_MAX_RUNS];
static unsigned int sfb_lcore_of[SFB_MAX_WORKERS];

static int
sfb_usage(const char *prg)
{
	printf("usage: %s [EAL options] -- [options]\n"
	"  --workers W     worker lcores (default 1; EAL needs W lcores,\n"
	"                  W + 1 with --live)\n"
	"  --n N           frames (distinct flows) per phase (default 524288)\n"
	"  --runs R        runs of each phase, fresh engine each (default 5)\n"
	"  --phases LIST   cookie_syn,cookie_ack,stateful_syn,stateful_ack,\n"
	"                  echo64,echo1460,proxy_open,proxy_fwd, live\n"
	"                  (default: the first four); echo phases: N is\n"
	"                  data segments, not flows; proxy_fwd: N is client\n"
	"                  segments (2N spliced), proxy_open its pairs;\n"
	"                  http_close,http_keepalive: N connections, and N\n"
	"                  requests on --echo-conns connections\n"
	"  --echo-conns C  connections per worker of an echo phase\n"
	"                  (default 1024)\n"
	"  --proxy-conns P pairs per worker of the proxy phases (default\n"
	"                  16384; P x W at most 60000)\n"
	"  --echo-ts       echo phases: timestamps on (default off: a\n"
	"                  1,460-byte message is one full-sized segment)\n"
	"  --live-ms MS    length of the live run (default 1000)\n"
	"  --batch B       frames queued before each timed poll loop\n"
	"                  (default 1024, a NIC rx ring's worth)\n"
	"  --ipv6          IPv6 SYNs instead of IPv4\n"
	"  --no-memory     leave out the memory section (engines of 64k and\n"
	"                  256k entries: slow under valgrind)\n"
	"  --json FILE     write the results there (default stdout)\n",
	prg);
	return 2;
}

static bool sfb_do_live;
static bool sfb_no_memory;       /* leave out the memory section */
static unsigned int sfb_batch = 1024;

/* --NAME's value: an integer 1..max, or a message naming it. */
static int
sfb_num(const char *name, const char *s, unsigned long max,
		unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || *v == 0 || *v > max) {
		fprintf(stderr, "sf_bench: --%s '%s': expected 1..%lu\n", name,
			s, max);
		return -1;
	}
	return 0;
}

static int
sfb_parse(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "workers", 1, NULL, 'w' }, { "n", 1, NULL, 'n' },
		{ "runs", 1, NULL, 'r' }, { "phases", 1, NULL, 'p' },
		{ "live-ms", 1, NULL, 'l' }, { "ipv6", 0, NULL, '6' },
		{ "json", 1, NULL, 'j' }, { "batch", 1, NULL, 'b' },
		{ "echo-conns", 1, NULL, 'c' }, { "echo-ts", 0, NULL, 't' },
		{ "no-memory", 0, NULL, 'M' },
		{ "proxy-conns", 1, NULL, 'P' },
		{ "help", 0, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end, *tok, *save = NULL;
	unsigned long v;
	int ch, i;
	bool any = false;

	for (i = 0; i < SFB_NB_PHASES; i++)
		opt.phase_on[i] = !sfb_is_echo((unsigned int)i) &&
			!sfb_is_proxy((unsigned int)i) &&
			!sfb_is_http((unsigned int)i);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (ch) {
		case 'b':
			if (sfb_num("batch", optarg, 65536, &v) != 0)
				return -1;
			sfb_batch = (unsigned int)v;
			break;
		case 'P':
			if (sfb_num("proxy-conns", optarg, 60000, &v) != 0)
				return -1;
			opt.px_conns = (uint32_t)v;
			break;
		case 'c':
			if (sfb_num("echo-conns", optarg, 65536, &v) != 0)
				return -1;
			opt.echo_conns = (uint32_t)v;
			break;
		case 'w':
		case 'n':
		case 'r':
		case 'l':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || v == 0 ||
			    (ch == 'w' && v > SFB_MAX_WORKERS) ||
			    (ch == 'r' && v > SFB_MAX_RUNS) ||
			    (ch == 'n' && v > (1u << 24)) ||
			    (ch == 'l' && v > 60000)) {
				fprintf(stderr, "sf_bench: --%s '%s': expected "
					"1..%u\n", ch == 'w' ? "workers" :
					ch == 'n' ? "n" : ch == 'r' ? "runs" :
					"live-ms", optarg,
					ch == 'w' ? SFB_MAX_WORKERS :
					ch == 'r' ? SFB_MAX_RUNS :
					ch == 'n' ? 1u << 24 : 60000);
				return -1;
			}
			if (ch == 'w')
				opt.workers = (unsigned int)v;
			else if (ch == 'n')
				opt.n = (uint32_t)v;
			else if (ch == 'r')
				opt.runs = (unsigned int)v;
			else
				opt.live_ms = (unsigned int)v;
			break;
		case 'p':
			for (i = 0; i < SFB_NB_PHASES; i++)
				opt.phase_on[i] = false;
			for (tok = strtok_r(optarg, ",", &save); tok != NULL;
			     tok = strtok_r(NULL, ",", &save)) {
				if (strcmp(tok, "live") == 0) {
					sfb_do_live = true;
					continue;
				}
				for (i = 0; i < SFB_NB_PHASES; i++)
					if (strcmp(tok, sfb_phase_name[i]) == 0)
						break;
				if (i == SFB_NB_PHASES) {
					fprintf(stderr, "sf_bench: --phases: "
						"unknown phase '%s'\n", tok);
					return -1;
				}
				opt.phase_on[i] = true;
				any = true;
			}
			if (!any && !sfb_do_live) {
				fprintf(stderr, "sf_bench: --phases: none\n");
				return -1;
			}
			break;
		case '6':
			opt.family = AF_INET6;
			break;
		case 't':
			sfb_echo_ts = true;
			break;
		case 'M':
			sfb_no_memory = true;
			break;
		case 'j':
			opt.json = optarg;
			break;
		default:
			sfb_usage(argv[0]);
			return -1;
		}
	}
	/* An ACK phase needs its SYN phase's SYN-ACKs. */
	if (opt.phase_on[SFB_COOKIE_ACK])
		opt.phase_on[SFB_COOKIE_SYN] = true;
	if (opt.phase_on[SFB_STATEFUL_ACK])
		opt.phase_on[SFB_STATEFUL_SYN] = true;
	/* The forwarding phase runs on the pairs the open phase made. */
	if (opt.phase_on[SFB_PROXY_FWD])
		opt.phase_on[SFB_PROXY_OPEN] = true;
	/* The backend leg's local ports: 1024..65535, shared by the workers. */
	if (opt.phase_on[SFB_PROXY_OPEN] &&
	    (uint64_t)opt.px_conns * opt.workers > 60000) {
		fprintf(stderr, "sf_bench: --proxy-conns %u x %u workers: "
			"expected at most 60000 pairs (local ports of the "
			"backend leg)\n", opt.px_conns, opt.workers);
		return -1;
	}
	return 0;
}

/* The net_ring port: W rx rings (ours to fill) and W tx rings. */
static int
sfb_port_init(void)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info di;
	unsigned int i;
	char name[RTE_RING_NAMESIZE];
	/* A phase's frames, or an echo batch's and its replies. */
	uint32_t rsz = rte_align32pow2(RTE_MAX(opt.n,
		2 * RTE_MAX(sfb_batch, opt.echo_conns)) + 1);
	int port;

	for (i = 0; i < opt.workers; i++) {
		snprintf(name, sizeof(name), "sfb_rx%u", i);
		sfb_rx[i] = rte_ring_create(name, rsz,
			rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "sfb_tx%u", i);
		sfb_tx[i] = rte_ring_create(name, rsz,
			rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (sfb_rx[i] == NULL || sfb_tx[i] == NULL)
			return -ENOMEM;
	}
	port = rte_eth_from_rings("sfb_ring", sfb_rx, opt.workers, sfb_tx,
		opt.workers, rte_socket_id());
	if (port < 0)
		return -rte_errno;
	sfb_port = (uint16_t)port;
	memset(&conf, 0, sizeof(conf));
	/*
	 * Data segments chain the queued bytes behind their headers when
	 * the port takes chains, as a NIC does; else they are copied.
	 */
	if (rte_eth_dev_info_get(sfb_port, &di) == 0 &&
	    (di.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) != 0) {
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
		sfb_multiseg = true;
	}
	if (rte_eth_dev_configure(sfb_port, opt.workers, opt.workers,
		    &conf) != 0)
		return -EIO;
	for (i = 0; i < opt.workers; i++)
		if (rte_eth_rx_queue_setup(sfb_port, i, 1024,
			    rte_socket_id(), NULL, sfb_pool) != 0 ||
		    rte_eth_tx_queue_setup(sfb_port, i, 1024,
			    rte_socket_id(), NULL) != 0)
			return -EIO;
	return rte_eth_dev_start(sfb_port);
}

static void sfb_echo_data(struct sf_conn *c, const struct sf_conn_data *d,
		void *arg);
static bool sfb_http_resp_ok(const struct rte_mbuf *m, uint32_t off,
		uint32_t len);
static const char sfb_http_req[] = "GET / HTTP/1.1\r\nHost: bench\r\n\r\n";

/* What an engine of a phase is for. */
enum sfb_emode {
	SFB_E_HANDSHAKE,        /* the handshake phases, live */
	SFB_E_ECHO,             /* the echo phases */
	SFB_E_PROXY,            /* the proxy phases */
	SFB_E_HTTP_CLOSE,       /* http_close */
	SFB_E_HTTP_KA,          /* http_keepalive */
};

static struct sf_http *sfb_http;
#define SFB_HTTP_BODY 64
static uint8_t sfb_http_body[SFB_HTTP_BODY];

/* The responder of the HTTP phases: "/" answers SFB_HTTP_BODY bytes. */
static int
sfb_http_make(uint32_t max_conns)
{
	struct sf_http_params hp;
	struct sf_http_route r;
	int rc;

	sf_http_params_init(&hp);
	hp.max_conns = max_conns;
	hp.idle_timeout_ms = 0;
	hp.socket_id = (int)rte_socket_id();
	sfb_http = sf_http_create(&hp);
	if (sfb_http == NULL)
		return -rte_errno;
	memset(&r, 0, sizeof(r));
	r.path = "/";
	r.body = sfb_http_body;
	r.body_len = SFB_HTTP_BODY;
	rc = sf_http_route_add(sfb_http, &r);
	return rc;
}

/* The proxy phases' backend: its port, address (v4, v6) and MAC. */
#define SFB_BK_PORT 8080
static const uint8_t sfb_bk_v4[4] = { 10, 10, 0, 2 };
static const uint8_t sfb_bk_v6[16] = { 0xfd, 0, 0, 0x10, 0, 0x10,
	[15] = 2 };
static struct rte_ether_addr sfb_bk_mac;

/*
 * The proxy engine's pool 0: the backend, up from the start (no health
 * checks: every SYN on the backend leg is a pair's), and its MAC in
 * every worker's neighbour table as an ARP reply would leave it (the
 * generator answers no ARP: a phase is over long before the entry is
 * stale).
 */
static int
sfb_engine_backend(void)
{
	struct sf_pool_params pp;
	struct sf_addr a;
	unsigned int i;
	int rc;

	sf_pool_params_init(&pp);
	pp.check_ms = 0;
	rc = sf_engine_pool_add(sfb_eng, &pp);
	if (rc < 0)
		return rc;
	memset(&a, 0, sizeof(a));
	a.family = (uint8_t)opt.family;
	if (opt.family == AF_INET) {
		memcpy(&a.v4, sfb_bk_v4, 4);
		a.prefix_len = 32;
	} else {
		memcpy(&a.v6, sfb_bk_v6, 16);
		a.prefix_len = 128;
	}
	rc = sf_engine_backend_add(sfb_eng, 0, &a, SFB_BK_PORT, 1);
	if (rc < 0)
		return rc;
	for (i = 0; i < opt.workers; i++)
		sf_neigh_learn(sf_wk_net(sf_engine_worker(sfb_eng, i)),
			sfb_port, (uint8_t)opt.family, opt.family == AF_INET ?
			sfb_bk_v4 : sfb_bk_v6, &sfb_bk_mac, SF_NUD_REACHABLE,
			SF_NEIGH_F_CREATE | SF_NEIGH_F_OVERRIDE);
	return 0;
}

/*
 * A fresh engine with one listener on port 80 in the given cookie mode;
 * echo: tables of the echo connections, the data pool, and on_data
 * sending every byte back; proxy: a proxy listener to pool 0, tables
 * of both legs of the pairs, the backend leg's local ports 1024..65535.
 */
static int
sfb_engine(uint8_t syncookies, enum sfb_emode mode)
{
	struct sf_engine_params ep;
	struct sf_port_conf pc;
	struct sf_listener_params lp;
	struct sf_addr a;
	unsigned int i;
	bool echo = mode == SFB_E_ECHO || mode == SFB_E_HTTP_KA;
	int rc;

	memset(&ep, 0, sizeof(ep));
	ep.nb_workers = opt.workers;
	ep.socket_id = (int)rte_socket_id();
	ep.tx_drain_us = 20;
	ep.pool = sfb_pool;
	ep.max_requests = opt.n;
	ep.max_conns = opt.n;
	ep.somaxconn = 2 * opt.n;
	if (echo) {
		ep.pool = sfb_dpool;
		ep.max_requests = ep.max_conns = opt.echo_conns;
		ep.somaxconn = 2 * opt.echo_conns;
	}
	if (mode == SFB_E_HTTP_CLOSE) {
		/* Every connection ends in TIME-WAIT: room for all. */
		ep.pool = sfb_dpool;
		ep.max_requests = 1024;
		ep.max_conns = ep.max_time_wait = opt.n + 1024;
		ep.somaxconn = 2 * opt.n;
	}
	if (mode == SFB_E_PROXY) {
		/* Cookies: no requests; two connections per pair. */
		ep.max_requests = 1024;
		ep.max_conns = 2 * opt.px_conns + 1024;
		ep.somaxconn = 2 * opt.px_conns;
		ep.local_port_lo = 1024;
		ep.local_port_hi = 65535;
	}
	sfb_eng = sf_engine_create(&ep);
	if (sfb_eng == NULL)
		return -ENOMEM;
	memset(&pc, 0, sizeof(pc));
	rte_eth_macaddr_get(sfb_port, &pc.mac);
	if (sfb_multiseg)
		pc.tx_offloads = RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	rc = sf_engine_port_add(sfb_eng, sfb_port, &pc);
	if (rc == 0)
		rc = sf_addr_parse("10.10.0.1/24", &a);
	if (rc == 0)
		rc = sf_engine_addr_add(sfb_eng, sfb_port, &a);
	if (rc == 0)
		rc = sf_addr_parse("fd00:10:10::1/64", &a);
	if (rc == 0)
		rc = sf_engine_addr_add(sfb_eng, sfb_port, &a);
	for (i = 0; rc == 0 && i < opt.workers; i++)
		rc = sf_worker_queue_add(sf_engine_worker(sfb_eng, i),
			sfb_port, (uint16_t)i);
	if (rc == 0 && mode == SFB_E_PROXY)
		rc = sfb_engine_backend();
	if (rc != 0)
		return rc;
	sf_listener_params_init(&lp);
	lp.port = 80;
	lp.syncookies = syncookies;
	/*
	 * Without cookies a SYN queue three quarters full drops new peers
	 * (as Linux does); room for all N keeps every SYN a request.
	 */
	lp.syn_backlog = 2 * opt.n;
	lp.backlog = opt.n;
	lp.on_accept = sfb_on_accept;
	if (echo) {
		lp.syn_backlog = 2 * opt.echo_conns * opt.workers;
		lp.backlog = opt.echo_conns;
		lp.on_data = sfb_echo_data;
	}
	if (mode == SFB_E_HTTP_CLOSE || mode == SFB_E_HTTP_KA) {
		rc = sfb_http_make(ep.max_conns * opt.workers);
		if (rc != 0)
			return rc;
		lp.on_data = NULL;
		sf_http_listener(sfb_http, &lp);
	}
	if (mode == SFB_E_PROXY) {
		lp.backlog = opt.px_conns;
		lp.on_accept = NULL;
		lp.proxy = true;
		lp.pool = 0;
	}
	rc = sf_engine_listen(sfb_eng, &lp);
	return rc < 0 ? rc : 0;
}

static void
sfb_engine_free(void)
{
	unsigned int i;

	for (i = 0; i < opt.workers; i++)
		sf_worker_stop(sf_engine_worker(sfb_eng, i));
	sf_engine_drain(sfb_eng);
	sf_engine_free(sfb_eng);
	sfb_eng = NULL;
	/* After the engine: its connections' on_close came first. */
	sf_http_free(sfb_http);
	sfb_http = NULL;
}

/*
 * Per-worker state of a phase. Each worker lcore is its own generator:
 * it queues a batch on its rx ring (not timed), polls the engine until
 * the batch is taken and the replies flushed (timed), and takes the
 * replies off its tx ring (not timed). The frames a batch's polls meet
 * were just written, so they are in cache as a NIC's DMA with DDIO
 * leaves them; the engine's tables are as cold as they are.
 */
struct sfb_wk {
	struct rte_mbuf **saved;  /* SYN-ACKs kept for the ACK phase */
	uint32_t nsaved;
	uint64_t busy;            /* TSC cycles of the timed polls */
	uint64_t frames;          /* frames the engine took */
	uint64_t synacks;         /* replies that were SYN-ACKs */
	uint64_t replies;         /* all replies */
	uint64_t checked, bad_cksum;
	uint64_t accepted;        /* on_accept calls */
	/* echo phases */
	struct sfb_econn *ec;     /* the worker's connections */
	uint64_t sent;            /* payload bytes sent */
	uint64_t echoed;          /* new payload bytes echoed, in order */
	uint64_t segs_out, acks_out, dups;
	uint64_t gaps;            /* echoes beyond a gap (none expected) */
	uint64_t bad_bytes;       /* echoed bytes unlike those sent */
	uint64_t strays;          /* replies of no connection of ours */
	/* proxy phases */
	struct sfb_pconn *pc;     /* the worker's pairs */
	uint32_t *pmap;           /* backend leg's local port -> pair + 1 */
	uint64_t bad_xlate;       /* segments translated other than due */
	uint32_t bk_clock;        /* the backend's TSval clock */
	uint32_t cl_clock;        /* the clients' TSval clock */
	int err;
} __rte_cache_aligned;

static struct sfb_wk sfb_wk[SFB_MAX_WORKERS];
static bool sfb_keep;            /* SYN phase: keep SYN-ACKs for ACKs */
static bool sfb_ack_phase;
static unsigned int sfb_host_bits;

/* The accept callback: keep the connection (the table holds them all). */
static void
sfb_on_accept(struct sf_conn *c, const struct sf_conn_info *ci, void *arg)
{
	RTE_SET_USED(c);
	RTE_SET_USED(arg);
	/* Each worker counts its own (the callback runs on the worker). */
	sfb_wk[ci->worker].accepted++;
}

/* Flows are numbered; flow g's source is distinct from every other's. */
static inline void
sfb_flow(uint64_t g, uint32_t *host, uint16_t *sport)
{
	*host = (uint32_t)(g & sfb_tmpl.src_mask);
	*sport = (uint16_t)(sfb_tmpl.sport_lo + (g >> sfb_host_bits));
}

/* Check a reply (sample of checksums, SYN-ACK or not); keep or free it. */
static void
sfb_reply(struct sfb_wk *k, struct rte_mbuf *m)
{
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	const struct rte_tcp_hdr *th;
	int bad;

	k->replies++;
	if (k->checked < SFB_CKSUM_SAMPLE) {
		if (opt.family == AF_INET)
			bad = rte_ipv4_udptcp_cksum_verify((void *)(f + 14),
				(void *)(f + 34)) != 0 ||
				rte_ipv4_cksum((void *)(f + 14)) != 0;
		else
			bad = rte_ipv6_udptcp_cksum_verify((void *)(f + 14),
				(void *)(f + 54)) != 0;
		k->bad_cksum += bad != 0;
		k->checked++;
	}
	th = (const struct rte_tcp_hdr *)(f + (opt.family == AF_INET ?
		34 : 54));
	if (th->tcp_flags == (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG))
		k->synacks++;
	if (sfb_keep && k->nsaved < opt.n)
		k->saved[k->nsaved++] = m;
	else
		rte_pktmbuf_free(m);
}

/* One worker's share of a phase, batch by batch. */
static int
sfb_worker_run(void *arg)
{
	unsigned int idx = (unsigned int)(uintptr_t)arg, W = opt.workers;
	struct sf_worker *w = sf_engine_worker(sfb_eng, idx);
	struct sfb_wk *k = &sfb_wk[idx];
	struct rte_mbuf *m[SFB_BURST], *extra;
	struct sfg_rx_stats st;
	uint64_t mine, done, t0, got, g;
	uint32_t host, b, i, tsecr, kept = k->nsaved;
	uint16_t sport;
	bool is_synack;
	unsigned int n;

	/* Flows idx, idx + W, ... are this worker's. */
	mine = sfb_ack_phase ? kept : (opt.n - idx + W - 1) / W;
	k->busy = k->frames = k->synacks = k->replies = 0;
	if (!sfb_ack_phase)
		k->nsaved = 0;
	memset(&st, 0, sizeof(st));
	while (__atomic_load_n(&sfb_go, __ATOMIC_ACQUIRE) == 0)
		rte_pause();
	for (done = 0; done < mine; done += b) {
		b = (uint32_t)RTE_MIN((uint64_t)sfb_batch, mine - done);
		for (i = 0; i < b; i++) {
			struct rte_mbuf *x;

			if (sfb_ack_phase) {
				/* The SYN-ACK becomes the third ACK. */
				x = k->saved[done + i];
				k->saved[done + i] = NULL;
				/* TSval: later than every SYN's (PAWS). */
				if (sfg_answer(&sfb_cfg, x, NULL, opt.n + 1,
					    &extra,
					    &tsecr, &is_synack, &st, NULL) != 1) {
					k->err = -EPROTO;
					rte_pktmbuf_free(x);
					return 0;
				}
			} else {
				x = rte_pktmbuf_alloc(sfb_pool);
				if (x == NULL) {
					k->err = -ENOMEM;
					return 0;
				}
				g = (done + i) * W + idx;
				sfb_flow(g, &host, &sport);
				sfg_syn_make(&sfb_tmpl, x, host, sport,
					(uint32_t)sfg_rand(&sfb_rnd),
					(uint32_t)g + 1);
			}
			if (rte_ring_enqueue(sfb_rx[idx], x) != 0) {
				rte_pktmbuf_free(x);
				k->err = -ENOSPC;
				return 0;
			}
		}
		/* Timed: the engine takes the batch and flushes its tx. */
		got = 0;
		t0 = rte_rdtsc();
		while (got < b)
			got += sf_worker_poll(w);
		sf_worker_flush(w);
		k->busy += rte_rdtsc() - t0;
		k->frames += got;
		while ((n = rte_ring_dequeue_burst(sfb_tx[idx], (void **)m,
			    SFB_BURST, NULL)) != 0)
			for (i = 0; i < n; i++)
				sfb_reply(k, m[i]);
	}
	if (sfb_ack_phase)
		k->nsaved = 0;
	return 0;
}

/* Run one phase on all workers (fn each); the main lcore is worker 0. */
static int
sfb_run_phase_fn(struct sfb_res *res, lcore_function_t *fn)
{
	unsigned int i;
	uint64_t busy = 0, frames = 0, slowest = 0;

	sfb_go = 0;
	for (i = 0; i < opt.workers; i++)
		sfb_wk[i].err = 0;
	for (i = 1; i < opt.workers; i++)
		rte_eal_remote_launch(fn, (void *)(uintptr_t)i,
			sfb_lcore_of[i]);
	__atomic_store_n(&sfb_go, 1, __ATOMIC_RELEASE);
	fn((void *)(uintptr_t)0);
	for (i = 1; i < opt.workers; i++)
		rte_eal_wait_lcore(sfb_lcore_of[i]);
	for (i = 0; i < opt.workers; i++) {
		if (sfb_wk[i].err != 0) {
			fprintf(stderr, "sf_bench: worker %u: %s\n", i,
				strerror(-sfb_wk[i].err));
			return sfb_wk[i].err;
		}
		busy += sfb_wk[i].busy;
		frames += sfb_wk[i].frames;
		if (sfb_wk[i].busy > slowest)
			slowest = sfb_wk[i].busy;
	}
	/*
	 * The workers run side by side: the phase takes as long as the
	 * busiest one's timed polls.
	 */
	res->wall_s = (double)slowest / (double)sfb_hz;
	res->mpps = (double)frames / res->wall_s / 1e6;
	res->cycles = (double)busy / (double)frames;
	res->valid = true;
	return 0;
}

static int
sfb_run_phase(struct sfb_res *res)
{
	return sfb_run_phase_fn(res, sfb_worker_run);
}

static uint64_t
sfb_cnt(enum sf_counter c)
{
	uint64_t v[SF_CNT_MAX];

	sf_engine_counters(sfb_eng, v);
	return v[c];
}

static uint64_t
sfb_drops(void)
{
	uint64_t v[SF_CNT_MAX], d = 0;
	int i;

	sf_engine_counters(sfb_eng, v);
	for (i = 0; i < SF_CNT_MAX; i++)
		if (sf_counter_is_drop((enum sf_counter)i))
			d += v[i];
	return d;
}

static void __rte_format_printf(2, 3)
sfb_invalid(struct sfb_res *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->valid)
		return;
	r->valid = false;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
}

static void
sfb_sum(uint64_t *synacks, uint64_t *replies, uint64_t *bad)
{
	unsigned int i;

	*synacks = *replies = *bad = 0;
	for (i = 0; i < opt.workers; i++) {
		*synacks += sfb_wk[i].synacks;
		*replies += sfb_wk[i].replies;
		*bad += sfb_wk[i].bad_cksum;
		sfb_wk[i].bad_cksum = sfb_wk[i].checked = 0;
	}
}

/* One run of a SYN phase and, optionally, its ACK phase. */
static int
sfb_run_mode(bool cookie, unsigned int run)
{
	enum sfb_phase ps = cookie ? SFB_COOKIE_SYN : SFB_STATEFUL_SYN;
	enum sfb_phase pa = cookie ? SFB_COOKIE_ACK : SFB_STATEFUL_ACK;
	struct sfb_res *rs = &sfb_results[ps][run];
	struct sfb_res *ra = &sfb_results[pa][run];
	uint64_t synacks, replies, bad, c, acc;
	unsigned int i;
	int rc;

	rc = sfb_engine(cookie ? 2 : 0, SFB_E_HANDSHAKE);
	if (rc != 0) {
		fprintf(stderr, "sf_bench: engine: %s\n", strerror(-rc));
		return rc;
	}
	for (i = 0; i < opt.workers; i++)
		sfb_wk[i].accepted = 0;
	sfb_keep = opt.phase_on[pa];
	sfb_ack_phase = false;
	rc = sfb_run_phase(rs);
	if (rc != 0)
		goto out;
	sfb_sum(&synacks, &replies, &bad);
	if (synacks != opt.n || replies != opt.n)
		sfb_invalid(rs, "%" PRIu64 " SYN-ACKs, %" PRIu64 " replies "
			"for %u SYNs", synacks, replies, opt.n);
	if (bad != 0)
		sfb_invalid(rs, "%" PRIu64 " bad checksums", bad);
	c = sfb_cnt(cookie ? SF_CNT_syncookies_sent : SF_CNT_syn_recv);
	if (c != opt.n)
		sfb_invalid(rs, "counter %" PRIu64 " for %u SYNs", c, opt.n);
	if (sfb_drops() != 0)
		sfb_invalid(rs, "%" PRIu64 " drops", sfb_drops());
	if (opt.phase_on[pa]) {
		sfb_keep = false;
		sfb_ack_phase = true;
		rc = sfb_run_phase(ra);
		if (rc != 0)
			goto out;
		sfb_sum(&synacks, &replies, &bad);
		c = sfb_cnt(SF_CNT_passive_opens);
		for (acc = 0, i = 0; i < opt.workers; i++)
			acc += sfb_wk[i].accepted;
		if (c != opt.n || acc != opt.n)
			sfb_invalid(ra, "%" PRIu64 " passive opens, %" PRIu64
				" accepted for %u ACKs", c, acc, opt.n);
		if (sfb_drops() != 0)
			sfb_invalid(ra, "%" PRIu64 " drops", sfb_drops());
		if (replies != 0)
			sfb_invalid(ra, "%" PRIu64 " replies to ACKs", replies);
	}
out:
	/* SYN-ACKs kept for an ACK phase that failed. */
	for (i = 0; i < opt.workers; i++) {
		while (sfb_wk[i].nsaved != 0)
			rte_pktmbuf_free(sfb_wk[i].saved[--sfb_wk[i].nsaved]);
	}
	sfb_engine_free();
	return rc;
}

/*
 * The echo phases. Each worker's generator opens C connections (SYN,
 * SYN-ACK, third ACK: not timed), then sends N / W data segments, batch
 * by batch, rotating over its connections: each in order (SEQ = the
 * connection's next byte) and acknowledging all that connection echoed so
 * far, with a timestamp, as a peer's next segment does. The listener's
 * on_data sends every byte back with sf_conn_send(), inline; the ACK in
 * the data segment frees what the send queue held of the echo before.
 * Only the engine's polls are timed, as in the other phases. The replies
 * are checked after each batch: every echoed byte against what was sent
 * at that offset of the stream (a pattern of the connection and the
 * offset), the sequence numbers, a sample of checksums.
 */

/* Largest frame header of ours: Ethernet, IPv6, TCP with timestamps. */
#define SFB_HDR_MAX (14 + 40 + 32)
/* Pattern period: prime, so that 64 and 1,460 do not divide it. */
#define SFB_PAT 251

/* What the generator knows of one connection. */
struct sfb_econn {
	uint32_t snd_base, snd_nxt;  /* our first byte, our next byte */
	uint32_t rcv_base, rcv_nxt;  /* the echo's first byte, next expected */
	uint32_t ts_recent;          /* the server's last TSval */
	uint8_t hdr[SFB_HDR_MAX];    /* the third ACK's headers */
};

static uint8_t sfb_pat[SFB_PAT + 2048];
static uint64_t sfb_echo_short[RTE_MAX_LCORE]; /* sends refused or cut */
static uint16_t sfb_echo_payload;             /* bytes per data segment */

static void
sfb_echo_data(struct sf_conn *c, const struct sf_conn_data *d, void *arg)
{
	int rc = sf_conn_send(c, d->data, d->len);

	RTE_SET_USED(arg);
	if (rc != (int)d->len)
		sfb_echo_short[rte_lcore_id()]++;
}

/* The expected bytes of connection i at stream offset off. */
static inline const uint8_t *
sfb_pat_at(uint32_t i, uint32_t off)
{
	return sfb_pat + (off + i) % SFB_PAT;
}

static inline uint16_t
sfb_l4_off(void)
{
	return opt.family == AF_INET ? 14 + 20 : 14 + 40;
}

/* Headers of an echo phase's data segment: TCP options NOP NOP TS. */
static inline uint16_t
sfb_ehlen(void)
{
	return sfb_l4_off() + 20 + (sfb_echo_ts ? 12 : 0);
}

/* A segment that came out, parsed. */
struct sfb_seg {
	bool bk;                     /* to the backend */
	uint32_t dst_word;           /* last 32 bits of the destination */
	uint16_t sport, dport, win;
	uint32_t seq, ack, tsval, tsecr;
	uint32_t off, len;           /* payload: offset in the frame, bytes */
	uint8_t flags;
	bool ts, mss, ws, sack;
};

/* Parse a frame of the engine; false: not TCP over IP as we send it. */
static bool
sfb_seg_parse(const struct rte_mbuf *m, struct sfb_seg *s)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *), *op;
	const struct rte_tcp_hdr *th;
	uint32_t l4 = sfb_l4_off(), tot, thl, i, word;

	if (rte_pktmbuf_data_len(m) < l4 + sizeof(*th))
		return false;
	if (opt.family == AF_INET) {
		const struct rte_ipv4_hdr *ip = (const void *)(f + 14);

		if (ip->next_proto_id != IPPROTO_TCP ||
		    ip->version_ihl != RTE_IPV4_VHL_DEF)
			return false;
		memcpy(&s->dst_word, &ip->dst_addr, 4);
		s->bk = memcmp(&ip->dst_addr, sfb_bk_v4, 4) == 0;
		tot = rte_be_to_cpu_16(ip->total_length) - 20u;
	} else {
		const struct rte_ipv6_hdr *ip6 = (const void *)(f + 14);

		if (ip6->proto != IPPROTO_TCP)
			return false;
		memcpy(&s->dst_word, ip6->dst_addr + 12, 4);
		s->bk = memcmp(ip6->dst_addr, sfb_bk_v6, 16) == 0;
		tot = rte_be_to_cpu_16(ip6->payload_len);
	}
	th = (const struct rte_tcp_hdr *)(f + l4);
	thl = (uint32_t)(th->data_off >> 4) * 4;
	if (thl < sizeof(*th) || thl > tot || l4 + thl >
	    rte_pktmbuf_data_len(m) || l4 + tot != rte_pktmbuf_pkt_len(m))
		return false;
	s->sport = rte_be_to_cpu_16(th->src_port);
	s->dport = rte_be_to_cpu_16(th->dst_port);
	s->bk = s->bk && s->dport == SFB_BK_PORT;
	s->seq = rte_be_to_cpu_32(th->sent_seq);
	s->ack = rte_be_to_cpu_32(th->recv_ack);
	s->win = rte_be_to_cpu_16(th->rx_win);
	s->flags = th->tcp_flags;
	s->off = l4 + thl;
	s->len = tot - thl;
	s->ts = s->mss = s->ws = s->sack = false;
	op = (const uint8_t *)(th + 1);
	thl -= sizeof(*th);
	for (i = 0; i < thl && op[i] != 0;) {
		if (op[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= thl || op[i + 1] < 2 || i + op[i + 1] > thl)
			break;
		switch (op[i]) {
		case 2:
			s->mss = op[i + 1] == 4;
			break;
		case 3:
			s->ws = op[i + 1] == 3;
			break;
		case 4:
			s->sack = op[i + 1] == 2;
			break;
		case 8:
			if (op[i + 1] != 10)
				break;
			memcpy(&word, op + i + 2, 4);
			s->tsval = rte_be_to_cpu_32(word);
			memcpy(&word, op + i + 6, 4);
			s->tsecr = rte_be_to_cpu_32(word);
			s->ts = true;
			break;
		}
		i += op[i + 1];
	}
	return true;
}

/* A reply of the engine, as the generator reads it. */
struct sfb_out {
	uint32_t conn;          /* index among the worker's connections */
	uint32_t seq, ack, tsval;
	uint32_t off, len;      /* payload: offset in the frame, bytes */
	uint8_t flags;
	bool ts;
};

/* Parse a reply from its first segment; false: not one of our flows. */
static bool
sfb_out_parse(const struct rte_mbuf *m, unsigned int idx, struct sfb_out *o)
{
	struct sfb_seg s;
	uint32_t g;

	if (!sfb_seg_parse(m, &s))
		return false;
	g = (rte_be_to_cpu_32(s.dst_word) & sfb_tmpl.src_mask) |
		((uint32_t)(s.dport - sfb_tmpl.sport_lo) << sfb_host_bits);
	if (g % opt.workers != idx || g / opt.workers >= opt.echo_conns)
		return false;
	o->conn = g / opt.workers;
	o->seq = s.seq;
	o->ack = s.ack;
	o->flags = s.flags;
	o->off = s.off;
	o->len = s.len;
	o->ts = s.ts;
	o->tsval = s.tsval;
	return true;
}

/* Recompute a reply's checksums (chained or not); true when right. */
static bool
sfb_out_cksum_ok(const struct rte_mbuf *m)
{
	uint8_t buf[SFB_HDR_MAX + 2048];
	const uint8_t *f;
	uint32_t l4 = sfb_l4_off();

	if (rte_pktmbuf_pkt_len(m) > sizeof(buf))
		return false;
	f = rte_pktmbuf_read(m, 0, rte_pktmbuf_pkt_len(m), buf);
	if (f == NULL)
		return false;
	if (opt.family == AF_INET)
		return rte_ipv4_udptcp_cksum_verify((const void *)(f + 14),
			(const void *)(f + l4)) == 0 &&
			rte_ipv4_cksum((const void *)(f + 14)) == 0;
	return rte_ipv6_udptcp_cksum_verify((const void *)(f + 14),
		(const void *)(f + l4)) == 0;
}

/*
 * Check one reply of the data loop against what was sent (http_keepalive:
 * a response as due); free it.
 */
static void
sfb_echo_reply(struct sfb_wk *k, unsigned int idx, struct rte_mbuf *m)
{
	uint8_t buf[2048];
	struct sfb_econn *e;
	struct sfb_out o;
	const uint8_t *p;
	uint32_t skip, n;

	k->replies++;
	if (!sfb_out_parse(m, idx, &o)) {
		k->strays++;
		goto out;
	}
	if (k->checked < SFB_CKSUM_SAMPLE) {
		k->bad_cksum += !sfb_out_cksum_ok(m);
		k->checked++;
	}
	e = &k->ec[o.conn];
	if (o.ts && (int32_t)(o.tsval - e->ts_recent) > 0)
		e->ts_recent = o.tsval;
	if (o.flags & (RTE_TCP_SYN_FLAG | RTE_TCP_RST_FLAG |
	    RTE_TCP_FIN_FLAG)) {
		k->strays++;
		goto out;
	}
	if (o.len == 0) {
		k->acks_out++;
		goto out;
	}
	k->segs_out++;
	/* http_keepalive: each a whole response, in order */
	if (sfb_http != NULL) {
		if (o.seq != e->rcv_nxt) {
			k->gaps++;
			goto out;
		}
		if (sfb_http_resp_ok(m, o.off, o.len))
			k->echoed++;
		else
			k->bad_bytes++;
		e->rcv_nxt += o.len;
		goto out;
	}
	if ((int32_t)(o.seq - e->rcv_nxt) > 0) {
		k->gaps++;
		goto out;
	}
	skip = e->rcv_nxt - o.seq;
	if (skip >= o.len || o.len > sizeof(buf)) {
		k->dups++;
		goto out;
	}
	n = o.len - skip;
	p = rte_pktmbuf_read(m, o.off + skip, n, buf);
	if (p == NULL || memcmp(p, sfb_pat_at(o.conn, e->rcv_nxt -
		    e->rcv_base), n) != 0)
		k->bad_bytes += n;
	e->rcv_nxt += n;
	k->echoed += n;
out:
	rte_pktmbuf_free(m);
}

/*
 * The IP length and checksum and the TCP checksum of frame f, whose TCP
 * header and payload take l4len bytes.
 */
static void
sfb_frame_finish(uint8_t *f, uint16_t l4len)
{
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(f + sfb_l4_off());

	th->cksum = 0;
	if (opt.family == AF_INET) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + 14);

		ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + l4len));
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		th->cksum = rte_ipv4_udptcp_cksum(ip, th);
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(f + 14);

		ip6->payload_len = rte_cpu_to_be_16(l4len);
		th->cksum = rte_ipv6_udptcp_cksum(ip6, th);
	}
}

/* Write connection e's next data segment: len bytes at pay, into m. */
static void
sfb_seg_make(struct sfb_econn *e, struct rte_mbuf *m, const uint8_t *pay,
		uint16_t len, uint32_t tsval)
{
	uint16_t l4 = sfb_l4_off(), hlen = sfb_ehlen();
	uint8_t *f = (uint8_t *)rte_pktmbuf_append(m, hlen + len);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(f + l4);
	uint32_t v;

	memcpy(f, e->hdr, hlen);
	th->sent_seq = rte_cpu_to_be_32(e->snd_nxt);
	th->recv_ack = rte_cpu_to_be_32(e->rcv_nxt);
	th->tcp_flags = RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG;
	th->rx_win = rte_cpu_to_be_16(0xffff);
	if (sfb_echo_ts) {
		v = rte_cpu_to_be_32(tsval);
		memcpy(f + l4 + 24, &v, 4);
		v = rte_cpu_to_be_32(e->ts_recent);
		memcpy(f + l4 + 28, &v, 4);
	}
	memcpy(f + hlen, pay, len);
	sfb_frame_finish(f, (uint16_t)(hlen - l4 + len));
	e->snd_nxt += len;
}

/* Write connection i's next data segment of len bytes into m. */
static void
sfb_data_make(struct sfb_econn *e, uint32_t i, struct rte_mbuf *m,
		uint16_t len, uint32_t tsval)
{
	sfb_seg_make(e, m, sfb_pat_at(i, e->snd_nxt - e->snd_base), len,
		tsval);
}

/* Enqueue the frames on the worker's rx ring, poll until all are taken. */
static int
sfb_feed(unsigned int idx, struct rte_mbuf **x, unsigned int n, bool timed)
{
	struct sf_worker *w = sf_engine_worker(sfb_eng, idx);
	struct sfb_wk *k = &sfb_wk[idx];
	uint64_t got = 0, t0;

	if (rte_ring_enqueue_bulk(sfb_rx[idx], (void **)x, n, NULL) != n) {
		rte_pktmbuf_free_bulk(x, n);
		return -ENOSPC;
	}
	t0 = rte_rdtsc();
	while (got < n)
		got += sf_worker_poll(w);
	sf_worker_flush(w);
	if (timed) {
		k->busy += rte_rdtsc() - t0;
		k->frames += got;
	}
	return 0;
}

/* Open the worker's connections: SYNs, then the third ACKs. */
static int
sfb_echo_open(unsigned int idx, struct rte_mbuf **x)
{
	unsigned int W = opt.workers, n, j;
	struct sfb_wk *k = &sfb_wk[idx];
	struct rte_mbuf *m[SFB_BURST], *extra;
	struct sfg_rx_stats st;
	uint32_t done, b, host, tsecr, nack;
	uint16_t sport, hlen = sfb_ehlen();
	struct sfb_econn *e;
	struct sfb_out o;
	bool is_synack;
	uint64_t g;
	int rc;

	memset(&st, 0, sizeof(st));
	for (done = 0; done < opt.echo_conns; done += b) {
		b = RTE_MIN(sfb_batch, opt.echo_conns - done);
		if (rte_pktmbuf_alloc_bulk(sfb_pool, x, b) != 0)
			return -ENOMEM;
		for (j = 0; j < b; j++) {
			g = (uint64_t)(done + j) * W + idx;
			sfb_flow(g, &host, &sport);
			sfg_syn_make(&sfb_etmpl, x[j], host, sport,
				(uint32_t)sfg_rand(&sfb_rnd), 1);
		}
		rc = sfb_feed(idx, x, b, false);
		if (rc != 0)
			return rc;
		nack = 0;
		while ((n = rte_ring_dequeue_burst(sfb_tx[idx], (void **)m,
			    SFB_BURST, NULL)) != 0) {
			for (j = 0; j < n; j++) {
				if (!sfb_out_parse(m[j], idx, &o) ||
				    o.ts != sfb_echo_ts ||
				    o.flags != (RTE_TCP_SYN_FLAG |
				    RTE_TCP_ACK_FLAG) || nack == b) {
					k->strays++;
					rte_pktmbuf_free(m[j]);
					continue;
				}
				e = &k->ec[o.conn];
				e->rcv_base = e->rcv_nxt = o.seq + 1;
				e->snd_base = e->snd_nxt = o.ack;
				e->ts_recent = o.tsval;
				/* The SYN-ACK becomes the third ACK. */
				if (sfg_answer(&sfb_cfg, m[j], NULL, 2,
					    &extra, &tsecr, &is_synack,
					    &st, NULL) != 1 ||
				    rte_pktmbuf_data_len(m[j]) != hlen) {
					rte_pktmbuf_free(m[j]);
					return -EPROTO;
				}
				memcpy(e->hdr, rte_pktmbuf_mtod(m[j],
					uint8_t *), hlen);
				x[nack++] = m[j];
			}
		}
		if (nack != 0) {
			rc = sfb_feed(idx, x, nack, false);
			if (rc != 0)
				return rc;
		}
		/* Nothing answers a third ACK. */
		while ((n = rte_ring_dequeue_burst(sfb_tx[idx], (void **)m,
			    SFB_BURST, NULL)) != 0) {
			k->strays += n;
			rte_pktmbuf_free_bulk(m, n);
		}
	}
	return 0;
}

/* One worker's echo phase: open, then the data loop. */
static int
sfb_echo_run(void *arg)
{
	unsigned int idx = (unsigned int)(uintptr_t)arg, W = opt.workers;
	struct sfb_wk *k = &sfb_wk[idx];
	struct rte_mbuf *m[SFB_BURST], **x;
	uint32_t C = opt.echo_conns, rot = 0, tsval = 3, b, j;
	uint64_t mine, done;
	unsigned int n;

	k->busy = k->frames = k->replies = 0;
	k->sent = k->echoed = k->segs_out = k->acks_out = k->dups = 0;
	k->gaps = k->bad_bytes = k->strays = 0;
	mine = (opt.n - idx + W - 1) / W;
	x = malloc(sizeof(*x) * RTE_MAX(sfb_batch, C));
	if (x == NULL) {
		k->err = -ENOMEM;
		return 0;
	}
	while (__atomic_load_n(&sfb_go, __ATOMIC_ACQUIRE) == 0)
		rte_pause();
	k->err = sfb_echo_open(idx, x);
	for (done = 0; k->err == 0 && done < mine; done += b) {
		/* At most one segment per connection in a batch. */
		b = (uint32_t)RTE_MIN((uint64_t)RTE_MIN(sfb_batch, C),
			mine - done);
		if (rte_pktmbuf_alloc_bulk(sfb_dpool, x, b) != 0) {
			k->err = -ENOMEM;
			break;
		}
		for (j = 0; j < b; j++) {
			/* http_keepalive: a request; echo: the pattern */
			if (sfb_http != NULL)
				sfb_seg_make(&k->ec[rot], x[j], (const uint8_t *)
					sfb_http_req, sizeof(sfb_http_req) - 1,
					tsval);
			else
				sfb_data_make(&k->ec[rot], rot, x[j],
					sfb_echo_payload, tsval);
			rot = rot + 1 == C ? 0 : rot + 1;
		}
		/* http_keepalive counts requests, echo bytes */
		k->sent += sfb_http != NULL ? b : (uint64_t)b *
			sfb_echo_payload;
		tsval++;
		k->err = sfb_feed(idx, x, b, true);
		while ((n = rte_ring_dequeue_burst(sfb_tx[idx], (void **)m,
			    SFB_BURST, NULL)) != 0)
			for (j = 0; j < n; j++)
				sfb_echo_reply(k, idx, m[j]);
	}
	free(x);
	return 0;
}

/* One run of an echo phase, on a fresh engine. */
static int
sfb_run_echo(enum sfb_phase ph, unsigned int run)
{
	struct sfb_res *r = &sfb_results[ph][run];
	uint64_t sent = 0, echoed = 0, acc = 0, bad = 0, shorts = 0, strays = 0;
	uint64_t gaps = 0, badb = 0, segs_in = 0, held;
	unsigned int i;
	int rc;

	rc = sfb_engine(0, SFB_E_ECHO);
	if (rc != 0) {
		fprintf(stderr, "sf_bench: engine: %s\n", strerror(-rc));
		return rc;
	}
	sfb_echo_payload = sfb_echo_len[ph];
	memset(sfb_echo_short, 0, sizeof(sfb_echo_short));
	for (i = 0; i < opt.workers; i++) {
		sfb_wk[i].accepted = 0;
		sfb_wk[i].bad_cksum = sfb_wk[i].checked = 0;
		memset(sfb_wk[i].ec, 0, sizeof(struct sfb_econn) *
			opt.echo_conns);
	}
	rc = sfb_run_phase_fn(r, sfb_echo_run);
	if (rc != 0)
		goto out;
	/* What the send queues hold now: the last batch's echoes. */
	held = rte_mempool_in_use_count(sfb_dpool);
	r->mbufs_per_conn = (double)held / (opt.echo_conns * opt.workers);
	r->segs_out = r->acks_out = r->dup_segs = 0;
	for (i = 0; i < opt.workers; i++) {
		struct sfb_wk *k = &sfb_wk[i];

		sent += k->sent;
		echoed += k->echoed;
		acc += k->accepted;
		bad += k->bad_cksum;
		gaps += k->gaps;
		badb += k->bad_bytes;
		strays += k->strays;
		segs_in += k->frames;
		r->segs_out += k->segs_out;
		r->acks_out += k->acks_out;
		r->dup_segs += k->dups;
	}
	for (i = 0; i < RTE_MAX_LCORE; i++)
		shorts += sfb_echo_short[i];
	r->bytes = echoed;
	r->gbps = (double)echoed * 8 / r->wall_s / 1e9;
	if (acc != (uint64_t)opt.echo_conns * opt.workers)
		sfb_invalid(r, "%" PRIu64 " connections accepted of %u", acc,
			opt.echo_conns * opt.workers);
	if (segs_in != opt.n)
		sfb_invalid(r, "%" PRIu64 " data segments taken of %u",
			segs_in, opt.n);
	if (echoed != sent || sent != (uint64_t)opt.n * sfb_echo_payload)
		sfb_invalid(r, "%" PRIu64 " bytes echoed of %" PRIu64, echoed,
			sent);
	if (badb != 0 || gaps != 0)
		sfb_invalid(r, "%" PRIu64 " bytes unlike those sent, %" PRIu64
			" echoes beyond a gap", badb, gaps);
	if (bad != 0 || strays != 0 || shorts != 0)
		sfb_invalid(r, "%" PRIu64 " bad checksums, %" PRIu64
			" stray replies, %" PRIu64 " short sends", bad, strays,
			shorts);
	if (sfb_cnt(SF_CNT_data_delivered_bytes) != sent ||
	    sfb_cnt(SF_CNT_data_delivered) != segs_in)
		sfb_invalid(r, "data_delivered %" PRIu64 " (%" PRIu64
			" bytes) for %" PRIu64 " segments",
			sfb_cnt(SF_CNT_data_delivered),
			sfb_cnt(SF_CNT_data_delivered_bytes), segs_in);
	if (sfb_drops() != 0)
		sfb_invalid(r, "%" PRIu64 " drops", sfb_drops());
out:
	sfb_engine_free();
	return rc;
}

/*
 * The proxy phases. A proxy listener on port 80 (syncookies=2: every
 * client validated by its cookie, as under a flood) splices clients to
 * one backend, SFB_BK_PORT on sfb_bk_v4 / sfb_bk_v6, reached through the
 * same port (the one-port topology of docs/synproxy.md). The generator
 * plays the clients and the backend.
 *
 *   proxy_open  per worker, P pairs, batch by batch: the clients' SYNs
 *               (out: cookie SYN-ACKs), their third ACKs (out: the
 *               backend SYNs, in the same order), the backend's SYN-ACKs
 *               (out: the ACKs that splice the pairs). All three feeds
 *               are timed; the rate and the cycles count pairs.
 *   proxy_fwd   N client segments of SFB_PX_PAYLOAD bytes with
 *               timestamps, in order, rotating over the pairs; each comes
 *               out on the backend leg and the backend sends the same
 *               bytes back, acknowledging them; that comes out on the
 *               client leg and the client's next segment acknowledges
 *               it. Both feeds are timed; the rate and the cycles count
 *               the 2N spliced segments.
 *
 * Every frame that comes out is checked: its leg and flags; sequence and
 * acknowledgement numbers exactly as translated (each side sees its
 * peer's numbers continue from the handshake it made); TSecr within
 * what the receiver sent (Linux's rule: no TSEcrRejected); the bytes
 * (each segment starts with its pair's number, then a pattern of the
 * stream offset); checksums of a sample.
 */

/* Full-sized segment with timestamps on a 1,500-byte MTU. */
#define SFB_PX_PAYLOAD 1448
/* Ethernet and IP headers of a frame of ours, at most (IPv6). */
#define SFB_L3_MAX (14 + 40)

/* What the generator knows of one pair. */
struct sfb_pconn {
	/* client leg: the client's next byte and first, the next byte due
	 * from synfront and first; the client's last TSval and first; the
	 * last TSval synfront sent it */
	uint32_t c_snd, c_sbase, c_rcv, c_rbase, c_tsv, c_tsv0, c_tsr;
	/* backend leg, the same from the backend's side */
	uint32_t b_snd, b_sbase, b_rcv, b_rbase, b_tsv, b_tsv0, b_tsr;
	uint16_t c_port;             /* the client's port */
	uint16_t b_lport;            /* synfront's port on the backend leg */
	uint8_t chdr[SFB_L3_MAX];    /* Ethernet and IP of client frames */
	uint8_t bhdr[SFB_L3_MAX];    /* of backend frames */
};

/* The pair of a frame to a client of worker idx, or -1. */
static int
sfb_px_client(unsigned int idx, const struct sfb_seg *s)
{
	uint32_t g = (rte_be_to_cpu_32(s->dst_word) & sfb_tmpl.src_mask) |
		((uint32_t)(s->dport - sfb_tmpl.sport_lo) << sfb_host_bits);

	if (s->bk || g % opt.workers != idx || g / opt.workers >= opt.px_conns)
		return -1;
	return (int)(g / opt.workers);
}

/* The pair of a frame to the backend, or -1. */
static int
sfb_px_backend(const struct sfb_wk *k, const struct sfb_seg *s)
{
	return s->bk && k->pmap[s->sport] != 0 ? (int)k->pmap[s->sport] - 1 :
		-1;
}

/* Pair i's bytes at stream offset off: its number, then the pattern. */
static void
sfb_px_bytes(uint8_t *buf, uint32_t i, uint32_t off, uint16_t len)
{
	uint32_t be = rte_cpu_to_be_32(i);

	memcpy(buf, sfb_pat_at(i, off), len);
	memcpy(buf, &be, RTE_MIN(len, 4u));
}

/* Serial a <= b <= c. */
static inline bool
sfb_ts_within(uint32_t a, uint32_t b, uint32_t c)
{
	return (int32_t)(b - a) >= 0 && (int32_t)(c - b) >= 0;
}

/*
 * Write a segment into the empty mbuf m: the Ethernet and IP headers l3
 * (lengths and checksums set here), then TCP with the options and the
 * payload given; window 65535.
 */
static void
sfb_px_write(struct rte_mbuf *m, const uint8_t *l3, uint16_t sport,
		uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
		const uint8_t *o, uint16_t olen, const uint8_t *pay,
		uint16_t plen)
{
	uint16_t l4 = sfb_l4_off(), thl = (uint16_t)(sizeof(struct
		rte_tcp_hdr) + olen);
	uint8_t *f = (uint8_t *)rte_pktmbuf_append(m, l4 + thl + plen);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(f + l4);

	memcpy(f, l3, l4);
	memset(th, 0, sizeof(*th));
	th->src_port = rte_cpu_to_be_16(sport);
	th->dst_port = rte_cpu_to_be_16(dport);
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = (uint8_t)((thl / 4) << 4);
	th->tcp_flags = flags;
	th->rx_win = rte_cpu_to_be_16(0xffff);
	memcpy(th + 1, o, olen);
	memcpy(f + l4 + thl, pay, plen);
	sfb_frame_finish(f, (uint16_t)(thl + plen));
}

/* NOP NOP TS: the options of a data segment. */
static void
sfb_px_tsopt(uint8_t *o, uint32_t tsval, uint32_t tsecr)
{
	uint32_t v;

	o[0] = 1;
	o[1] = 1;
	o[2] = 8;
	o[3] = 10;
	v = rte_cpu_to_be_32(tsval);
	memcpy(o + 4, &v, 4);
	v = rte_cpu_to_be_32(tsecr);
	memcpy(o + 8, &v, 4);
}

/*
 * The backend's headers from synfront's SYN to it: the Ethernet and IP
 * addresses swapped, a fresh TTL.
 */
static void
sfb_px_bhdr(uint8_t *h, const uint8_t *syn)
{
	memcpy(h, syn, sfb_l4_off());
	memcpy(h, syn + 6, 6);
	memcpy(h + 6, syn, 6);
	if (opt.family == AF_INET) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(h + 14);

		ip->src_addr = ((const struct rte_ipv4_hdr *)(syn + 14))->
			dst_addr;
		ip->dst_addr = ((const struct rte_ipv4_hdr *)(syn + 14))->
			src_addr;
		ip->time_to_live = 64;
		ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(h + 14);
		const struct rte_ipv6_hdr *s6 = (const void *)(syn + 14);

		memcpy(ip6->src_addr, s6->dst_addr, 16);
		memcpy(ip6->dst_addr, s6->src_addr, 16);
		ip6->hop_limits = 64;
	}
}

/* Take the engine's frames off the worker's tx ring into out[], at most max. */
static unsigned int
sfb_px_take(unsigned int idx, struct rte_mbuf **out, unsigned int max)
{
	struct sfb_wk *k = &sfb_wk[idx];
	struct rte_mbuf *m[SFB_BURST];
	unsigned int n, j, got = 0;

	while ((n = rte_ring_dequeue_burst(sfb_tx[idx], (void **)m,
		    SFB_BURST, NULL)) != 0)
		for (j = 0; j < n; j++) {
			if (got == max) {
				k->strays++;
				rte_pktmbuf_free(m[j]);
				continue;
			}
			if (k->checked < SFB_CKSUM_SAMPLE) {
				k->bad_cksum += !sfb_out_cksum_ok(m[j]);
				k->checked++;
			}
			out[got++] = m[j];
		}
	return got;
}

/* One worker's proxy_open: P pairs, batch by batch. */
static int
sfb_popen_run(void *arg)
{
	static const uint8_t syn_opt[20] = { 2, 4, 0x05, 0xb4, 4, 2,
		8, 10, [12] = 0, [16] = 1, 3, 3, 7 };
	unsigned int idx = (unsigned int)(uintptr_t)arg, W = opt.workers;
	struct sfb_wk *k = &sfb_wk[idx];
	struct rte_mbuf **x, **y, *extra;
	struct sfg_rx_stats st;
	uint32_t P = opt.px_conns, done, b, j, n, nack, nsyn, *ord, host;
	uint32_t tsecr, opened = 0, v;
	uint8_t o[20];
	uint16_t sport;
	struct sfb_pconn *e;
	struct sfb_seg s;
	bool is_synack;
	int c;

	k->busy = k->frames = k->replies = 0;
	k->strays = k->bad_xlate = 0;
	k->cl_clock = 3;
	k->bk_clock = 1000;
	memset(&st, 0, sizeof(st));
	x = malloc(sizeof(*x) * sfb_batch);
	y = malloc(sizeof(*y) * sfb_batch);
	ord = malloc(sizeof(*ord) * sfb_batch);
	if (x == NULL || y == NULL || ord == NULL) {
		k->err = -ENOMEM;
		goto out;
	}
	while (__atomic_load_n(&sfb_go, __ATOMIC_ACQUIRE) == 0)
		rte_pause();
	for (done = 0; done < P && k->err == 0; done += b) {
		b = RTE_MIN(sfb_batch, P - done);
		/* The clients' SYNs, TSval 1. */
		if (rte_pktmbuf_alloc_bulk(sfb_pool, x, b) != 0) {
			k->err = -ENOMEM;
			break;
		}
		for (j = 0; j < b; j++) {
			sfb_flow((uint64_t)(done + j) * W + idx, &host,
				&sport);
			sfg_syn_make(&sfb_tmpl, x[j], host, sport,
				(uint32_t)sfg_rand(&sfb_rnd), 1);
		}
		k->err = sfb_feed(idx, x, b, true);
		if (k->err != 0)
			break;
		/* Cookie SYN-ACKs -> the third ACKs, TSval 2. */
		n = sfb_px_take(idx, y, b);
		for (nack = 0, j = 0; j < n; j++) {
			if (!sfb_seg_parse(y[j], &s) ||
			    s.flags != (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG) ||
			    !s.ts || (c = sfb_px_client(idx, &s)) < 0) {
				k->strays++;
				rte_pktmbuf_free(y[j]);
				continue;
			}
			e = &k->pc[c];
			e->c_rcv = e->c_rbase = s.seq + 1;
			e->c_snd = e->c_sbase = s.ack;
			e->c_tsr = s.tsval;
			e->c_tsv0 = 1;
			e->c_tsv = 2;
			e->c_port = s.dport;
			if (sfg_answer(&sfb_cfg, y[j], NULL, 2, &extra, &tsecr,
				    &is_synack, &st, NULL) != 1) {
				k->strays++;
				rte_pktmbuf_free(y[j]);
				continue;
			}
			memcpy(e->chdr, rte_pktmbuf_mtod(y[j], uint8_t *),
				sfb_l4_off());
			ord[nack] = (uint32_t)c;
			x[nack++] = y[j];
		}
		if (nack != 0 && (k->err = sfb_feed(idx, x, nack, true)) != 0)
			break;
		/* The backend SYNs, in the third ACKs' order -> SYN-ACKs. */
		n = sfb_px_take(idx, y, nack);
		for (nsyn = 0, j = 0; j < n; j++) {
			if (!sfb_seg_parse(y[j], &s) || !s.bk ||
			    s.flags != RTE_TCP_SYN_FLAG || s.len != 0) {
				k->strays++;
				rte_pktmbuf_free(y[j]);
				continue;
			}
			e = &k->pc[ord[nsyn]];
			/* What the client negotiated, offered to the backend. */
			if (!s.mss || !s.ws || !s.sack || !s.ts ||
			    k->pmap[s.sport] != 0)
				k->bad_xlate++;
			k->pmap[s.sport] = ord[nsyn] + 1;
			e->b_lport = s.sport;
			e->b_rcv = e->b_rbase = s.seq + 1;
			e->b_tsr = s.tsval;
			e->b_snd = e->b_sbase = (uint32_t)sfg_rand(&sfb_rnd) + 1;
			e->b_tsv = e->b_tsv0 = k->bk_clock;
			sfb_px_bhdr(e->bhdr, rte_pktmbuf_mtod(y[j], uint8_t *));
			memcpy(o, syn_opt, sizeof(o));
			v = rte_cpu_to_be_32(e->b_tsv);
			memcpy(o + 8, &v, 4);
			v = rte_cpu_to_be_32(s.tsval);
			memcpy(o + 12, &v, 4);
			rte_pktmbuf_reset(y[j]);
			sfb_px_write(y[j], e->bhdr, SFB_BK_PORT, e->b_lport,
				e->b_snd - 1, e->b_rcv, RTE_TCP_SYN_FLAG |
				RTE_TCP_ACK_FLAG, o, sizeof(o), NULL, 0);
			x[nsyn++] = y[j];
		}
		if (nsyn != nack)
			k->bad_xlate += nack - nsyn;
		if (nsyn != 0 && (k->err = sfb_feed(idx, x, nsyn, true)) != 0)
			break;
		/* The ACKs that splice the pairs: synfront's, to the backend. */
		n = sfb_px_take(idx, y, nsyn);
		for (j = 0; j < n; j++) {
			if (!sfb_seg_parse(y[j], &s) ||
			    (c = sfb_px_backend(k, &s)) < 0) {
				k->strays++;
			} else {
				e = &k->pc[c];
				if (s.flags != RTE_TCP_ACK_FLAG || s.len != 0 ||
				    s.seq != e->b_rcv || s.ack != e->b_snd ||
				    !s.ts || s.tsecr != e->b_tsv)
					k->bad_xlate++;
				else
					opened++;
				e->b_tsr = s.tsval;
			}
			rte_pktmbuf_free(y[j]);
		}
	}
	/* The rate counts pairs. */
	k->frames = opened;
out:
	free(x);
	free(y);
	free(ord);
	return 0;
}

/*
 * A spliced segment as due on its leg: ACK (PSH at most), a full
 * payload, the receiver's next byte (rcv; its stream starts at rbase),
 * everything the receiver sent acknowledged (snd), TSecr within what
 * the receiver sent (tsv0..tsv), pair c's bytes. Returns the payload
 * (in m, or copied to buf), or NULL when mistranslated (counted); wrong
 * bytes are counted too.
 */
static const uint8_t *
sfb_px_due(struct sfb_wk *k, const struct rte_mbuf *m,
		const struct sfb_seg *s, uint32_t c, uint32_t rbase,
		uint32_t rcv, uint32_t snd, uint32_t tsv0, uint32_t tsv,
		uint8_t *buf)
{
	uint8_t pay[SFB_PX_PAYLOAD];
	const uint8_t *p = rte_pktmbuf_read(m, s->off, SFB_PX_PAYLOAD, buf);

	if ((s->flags & ~RTE_TCP_PSH_FLAG) != RTE_TCP_ACK_FLAG ||
	    s->len != SFB_PX_PAYLOAD || s->seq != rcv || s->ack != snd ||
	    !s->ts || !sfb_ts_within(tsv0, s->tsecr, tsv) || p == NULL) {
		k->bad_xlate++;
		return NULL;
	}
	sfb_px_bytes(pay, c, s->seq - rbase, SFB_PX_PAYLOAD);
	if (memcmp(p, pay, SFB_PX_PAYLOAD) != 0)
		k->bad_bytes += SFB_PX_PAYLOAD;
	return p;
}

/* One worker's proxy_fwd: N / W client segments over its P pairs. */
static int
sfb_pfwd_run(void *arg)
{
	unsigned int idx = (unsigned int)(uintptr_t)arg, W = opt.workers;
	struct sfb_wk *k = &sfb_wk[idx];
	uint32_t P = opt.px_conns, rot = 0, b, j, n, ny;
	uint8_t pay[SFB_PX_PAYLOAD], got[SFB_PX_PAYLOAD], o[12];
	const uint16_t L = SFB_PX_PAYLOAD;
	struct rte_mbuf **x, **y;
	uint64_t mine, done;
	const uint8_t *p;
	struct sfb_pconn *e;
	struct sfb_seg s;
	int c;

	k->busy = k->frames = k->replies = 0;
	k->sent = k->echoed = 0;
	k->strays = k->bad_xlate = k->bad_bytes = 0;
	mine = (opt.n - idx + W - 1) / W;
	x = malloc(sizeof(*x) * sfb_batch);
	y = malloc(sizeof(*y) * sfb_batch);
	if (x == NULL || y == NULL) {
		k->err = -ENOMEM;
		goto out;
	}
	while (__atomic_load_n(&sfb_go, __ATOMIC_ACQUIRE) == 0)
		rte_pause();
	for (done = 0; k->err == 0 && done < mine; done += b) {
		/* At most one segment per pair in a batch. */
		b = (uint32_t)RTE_MIN((uint64_t)RTE_MIN(sfb_batch, P),
			mine - done);
		if (rte_pktmbuf_alloc_bulk(sfb_dpool, x, b) != 0) {
			k->err = -ENOMEM;
			break;
		}
		k->cl_clock++;
		k->bk_clock++;
		for (j = 0; j < b; j++) {
			e = &k->pc[rot];
			sfb_px_bytes(pay, rot, e->c_snd - e->c_sbase, L);
			sfb_px_tsopt(o, k->cl_clock, e->c_tsr);
			e->c_tsv = k->cl_clock;
			sfb_px_write(x[j], e->chdr, e->c_port, 80, e->c_snd,
				e->c_rcv, RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG,
				o, sizeof(o), pay, L);
			e->c_snd += L;
			rot = rot + 1 == P ? 0 : rot + 1;
		}
		k->sent += (uint64_t)b * L;
		k->err = sfb_feed(idx, x, b, true);
		if (k->err != 0)
			break;
		/* On the backend leg: the backend sends the bytes back. */
		n = sfb_px_take(idx, y, b);
		for (ny = 0, j = 0; j < n; j++) {
			if (!sfb_seg_parse(y[j], &s) ||
			    (c = sfb_px_backend(k, &s)) < 0) {
				k->strays++;
				rte_pktmbuf_free(y[j]);
				continue;
			}
			e = &k->pc[c];
			p = sfb_px_due(k, y[j], &s, (uint32_t)c, e->b_rbase,
				e->b_rcv, e->b_snd, e->b_tsv0, e->b_tsv, got);
			if (p == NULL) {
				rte_pktmbuf_free(y[j]);
				continue;
			}
			e->b_rcv += L;
			e->b_tsr = s.tsval;
			e->b_tsv = k->bk_clock;
			sfb_px_tsopt(o, e->b_tsv, e->b_tsr);
			memcpy(got, p, L);
			rte_pktmbuf_reset(y[j]);
			sfb_px_write(y[j], e->bhdr, SFB_BK_PORT, e->b_lport,
				e->b_snd, e->b_rcv, RTE_TCP_ACK_FLAG |
				RTE_TCP_PSH_FLAG, o, sizeof(o), got, L);
			e->b_snd += L;
			x[ny++] = y[j];
		}
		if (ny != 0 && (k->err = sfb_feed(idx, x, ny, true)) != 0)
			break;
		/* On the client leg: the echo, as the backend sent it. */
		n = sfb_px_take(idx, y, ny);
		for (j = 0; j < n; j++) {
			if (!sfb_seg_parse(y[j], &s) ||
			    (c = sfb_px_client(idx, &s)) < 0) {
				k->strays++;
				rte_pktmbuf_free(y[j]);
				continue;
			}
			e = &k->pc[c];
			p = sfb_px_due(k, y[j], &s, (uint32_t)c, e->c_rbase,
				e->c_rcv, e->c_snd, e->c_tsv0, e->c_tsv, got);
			if (p != NULL) {
				e->c_rcv += L;
				e->c_tsr = s.tsval;
				k->echoed += L;
			}
			rte_pktmbuf_free(y[j]);
		}
	}
out:
	free(x);
	free(y);
	return 0;
}

/* One run of the proxy phases on a fresh engine. */
static int
sfb_run_proxy(unsigned int run)
{
	struct sfb_res *ro = &sfb_results[SFB_PROXY_OPEN][run];
	struct sfb_res *rf = &sfb_results[SFB_PROXY_FWD][run];
	uint64_t pairs = (uint64_t)opt.px_conns * opt.workers;
	uint64_t strays = 0, bx = 0, bb = 0, bc = 0, sent = 0, echoed = 0;
	unsigned int i;
	int rc;

	rc = sfb_engine(2, SFB_E_PROXY);
	if (rc != 0) {
		fprintf(stderr, "sf_bench: proxy engine: %s\n", strerror(-rc));
		goto out;
	}
	for (i = 0; i < opt.workers; i++) {
		memset(sfb_wk[i].pmap, 0, sizeof(uint32_t) * 65536);
		sfb_wk[i].bad_cksum = sfb_wk[i].checked = 0;
	}
	rc = sfb_run_phase_fn(ro, sfb_popen_run);
	if (rc != 0)
		goto out;
	for (i = 0; i < opt.workers; i++) {
		strays += sfb_wk[i].strays;
		bx += sfb_wk[i].bad_xlate;
		bc += sfb_wk[i].bad_cksum;
	}
	if (sfb_cnt(SF_CNT_proxy_spliced) != pairs ||
	    sfb_cnt(SF_CNT_proxy_backend_connects) != pairs)
		sfb_invalid(ro, "%" PRIu64 " pairs spliced, %" PRIu64
			" backend opens of %" PRIu64,
			sfb_cnt(SF_CNT_proxy_spliced),
			sfb_cnt(SF_CNT_proxy_backend_connects), pairs);
	if (strays != 0 || bx != 0 || bc != 0)
		sfb_invalid(ro, "%" PRIu64 " stray frames, %" PRIu64
			" mistranslated, %" PRIu64 " bad checksums", strays, bx,
			bc);
	if (sfb_drops() != 0)
		sfb_invalid(ro, "%" PRIu64 " drops", sfb_drops());
	if (!opt.phase_on[SFB_PROXY_FWD])
		goto out;
	for (i = 0; i < opt.workers; i++)
		sfb_wk[i].bad_cksum = sfb_wk[i].checked = 0;
	rc = sfb_run_phase_fn(rf, sfb_pfwd_run);
	if (rc != 0)
		goto out;
	strays = bx = bc = 0;
	for (i = 0; i < opt.workers; i++) {
		strays += sfb_wk[i].strays;
		bx += sfb_wk[i].bad_xlate;
		bb += sfb_wk[i].bad_bytes;
		bc += sfb_wk[i].bad_cksum;
		sent += sfb_wk[i].sent;
		echoed += sfb_wk[i].echoed;
	}
	rf->bytes = echoed;
	rf->gbps = (double)echoed * 2 * 8 / rf->wall_s / 1e9;
	if (sent != (uint64_t)opt.n * SFB_PX_PAYLOAD || echoed != sent)
		sfb_invalid(rf, "%" PRIu64 " bytes back of %" PRIu64, echoed,
			sent);
	if (strays != 0 || bx != 0 || bb != 0 || bc != 0)
		sfb_invalid(rf, "%" PRIu64 " stray frames, %" PRIu64
			" mistranslated, %" PRIu64 " bad bytes, %" PRIu64
			" bad checksums", strays, bx, bb, bc);
	if (sfb_cnt(SF_CNT_proxy_fwd_c2b) != opt.n ||
	    sfb_cnt(SF_CNT_proxy_fwd_b2c) != opt.n ||
	    sfb_cnt(SF_CNT_proxy_implausible) != 0)
		sfb_invalid(rf, "proxy_fwd_c2b %" PRIu64 ", _b2c %" PRIu64
			", implausible %" PRIu64 " for %u segments",
			sfb_cnt(SF_CNT_proxy_fwd_c2b),
			sfb_cnt(SF_CNT_proxy_fwd_b2c),
			sfb_cnt(SF_CNT_proxy_implausible), opt.n);
	if (sfb_drops() != 0)
		sfb_invalid(rf, "%" PRIu64 " drops", sfb_drops());
out:
	if (sfb_eng != NULL)
		sfb_engine_free();
	return rc;
}

/*
 * The HTTP phases (issue 19): a listener on port 80 answered by the
 * HTTP/1.1 responder (sf_http.h), one route "/" with a body of
 * SFB_HTTP_BODY bytes.
 *
 *   http_close      N connections, each a complete HTTP/1.0-style
 *                   exchange by a stateless client: SYN (out: a cookie
 *                   SYN-ACK), the third ACK carrying "GET /" with
 *                   Connection: close (out: the response and the
 *                   server's FIN), the client's FIN acknowledging both
 *                   (out: the ACK that leaves the connection in
 *                   TIME-WAIT). All three feeds timed; the rate and the
 *                   cycles count connections.
 *   http_keepalive  C connections per worker opened (not timed), then N
 *                   requests in all, one per connection per batch,
 *                   rotating, each acknowledging the responses before
 *                   it, as a keep-alive client's next request does; the
 *                   rate and the cycles count requests.
 *
 * Every response is checked: in order, its status line, its length (the
 * same for all: the Date field has a fixed width) and its body.
 */

static const char sfb_http_req_close[] =
	"GET / HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n";
static uint32_t sfb_http_resp_len;  /* learnt from the first response */

/* A response's bytes (at off in m, len of them): as expected? */
static bool
sfb_http_resp_ok(const struct rte_mbuf *m, uint32_t off, uint32_t len)
{
	static const char st[] = "HTTP/1.1 200 OK\r\n";
	uint8_t buf[2048];
	const uint8_t *p;

	if (len < sizeof(st) + SFB_HTTP_BODY || len > sizeof(buf))
		return false;
	p = rte_pktmbuf_read(m, off, len, buf);
	if (p == NULL || memcmp(p, st, sizeof(st) - 1) != 0 ||
	    memcmp(p + len - SFB_HTTP_BODY, sfb_http_body,
		   SFB_HTTP_BODY) != 0)
		return false;
	if (sfb_http_resp_len == 0)
		sfb_http_resp_len = len;
	return len == sfb_http_resp_len;
}

/* One worker's http_close: N / W connections, batch by batch. */
static int
sfb_hclose_run(void *arg)
{
	unsigned int idx = (unsigned int)(uintptr_t)arg, W = opt.workers;
	struct sfb_wk *k = &sfb_wk[idx];
	struct rte_mbuf **x, **y;
	uint32_t b, j, n, nx, host, done_conns = 0;
	uint64_t mine, done, g;
	uint8_t o[12], hdr[SFB_L3_MAX];
	uint16_t sport;
	struct sfb_seg s;

	k->busy = k->frames = k->replies = 0;
	k->strays = k->bad_xlate = k->bad_bytes = k->echoed = 0;
	mine = (opt.n - idx + W - 1) / W;
	x = malloc(sizeof(*x) * 2 * sfb_batch);
	y = malloc(sizeof(*y) * 4 * sfb_batch);
	if (x == NULL || y == NULL) {
		k->err = -ENOMEM;
		goto out;
	}
	while (__atomic_load_n(&sfb_go, __ATOMIC_ACQUIRE) == 0)
		rte_pause();
	for (done = 0; done < mine && k->err == 0; done += b) {
		b = (uint32_t)RTE_MIN((uint64_t)sfb_batch, mine - done);
		if (rte_pktmbuf_alloc_bulk(sfb_pool, x, b) != 0) {
			k->err = -ENOMEM;
			break;
		}
		for (j = 0; j < b; j++) {
			g = (done + j) * W + idx;
			sfb_flow(g, &host, &sport);
			sfg_syn_make(&sfb_tmpl, x[j], host, sport,
				(uint32_t)sfg_rand(&sfb_rnd), 1);
		}
		k->err = sfb_feed(idx, x, b, true);
		if (k->err != 0)
			break;
		/* SYN-ACKs -> third ACKs with the request, TSval 2. */
		n = sfb_px_take(idx, y, 4 * b);
		for (nx = 0, j = 0; j < n; j++) {
			if (!sfb_seg_parse(y[j], &s) || s.flags !=
			    (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG) || !s.ts) {
				k->strays++;
				rte_pktmbuf_free(y[j]);
				continue;
			}
			sfb_px_bhdr(hdr, rte_pktmbuf_mtod(y[j], uint8_t *));
			sfb_px_tsopt(o, 2, s.tsval);
			rte_pktmbuf_reset(y[j]);
			sfb_px_write(y[j], hdr, s.dport, s.sport, s.ack,
				s.seq + 1, RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG,
				o, sizeof(o), (const uint8_t *)sfb_http_req_close,
				sizeof(sfb_http_req_close) - 1);
			x[nx++] = y[j];
		}
		if (nx != 0 && (k->err = sfb_feed(idx, x, nx, true)) != 0)
			break;
		/*
		 * The responses and the FINs: each FIN is answered by ours,
		 * acknowledging it (and the response before it), TSval 3.
		 */
		n = sfb_px_take(idx, y, 4 * b);
		for (nx = 0, j = 0; j < n; j++) {
			bool fin;

			if (!sfb_seg_parse(y[j], &s) ||
			    (s.flags & (RTE_TCP_SYN_FLAG | RTE_TCP_RST_FLAG))) {
				k->strays++;
				rte_pktmbuf_free(y[j]);
				continue;
			}
			fin = (s.flags & RTE_TCP_FIN_FLAG) != 0;
			if (s.len != 0) {
				if (sfb_http_resp_ok(y[j], s.off, s.len))
					k->echoed++;
				else
					k->bad_bytes++;
			}
			if (!fin) {
				rte_pktmbuf_free(y[j]);
				continue;
			}
			sfb_px_bhdr(hdr, rte_pktmbuf_mtod(y[j], uint8_t *));
			sfb_px_tsopt(o, 3, s.tsval);
			rte_pktmbuf_reset(y[j]);
			sfb_px_write(y[j], hdr, s.dport, s.sport, s.ack,
				s.seq + s.len + 1, RTE_TCP_ACK_FLAG |
				RTE_TCP_FIN_FLAG, o, sizeof(o), NULL, 0);
			x[nx++] = y[j];
		}
		if (nx != 0 && (k->err = sfb_feed(idx, x, nx, true)) != 0)
			break;
		/* The last ACKs: each connection done, in TIME-WAIT. */
		n = sfb_px_take(idx, y, 4 * b);
		for (j = 0; j < n; j++) {
			if (sfb_seg_parse(y[j], &s) &&
			    s.flags == RTE_TCP_ACK_FLAG && s.len == 0)
				done_conns++;
			else
				k->strays++;
			rte_pktmbuf_free(y[j]);
		}
	}
	/* The rate counts connections. */
	k->frames = done_conns;
out:
	free(x);
	free(y);
	return 0;
}

/* One run of the HTTP phases, each on a fresh engine. */
static int
sfb_run_http(unsigned int run)
{
	struct sfb_res *rc_ = &sfb_results[SFB_HTTP_CLOSE][run];
	struct sfb_res *rk = &sfb_results[SFB_HTTP_KEEPALIVE][run];
	struct sf_http_stats hs;
	uint64_t ok = 0, bad = 0, strays = 0, gaps = 0, ck = 0;
	unsigned int i;
	int rc = 0;

	if (opt.phase_on[SFB_HTTP_CLOSE]) {
		rc = sfb_engine(2, SFB_E_HTTP_CLOSE);
		if (rc != 0) {
			fprintf(stderr, "sf_bench: http engine: %s\n",
				strerror(-rc));
			goto out;
		}
		for (i = 0; i < opt.workers; i++)
			sfb_wk[i].bad_cksum = sfb_wk[i].checked = 0;
		/* Its responses say Connection: close: a length of theirs. */
		sfb_http_resp_len = 0;
		rc = sfb_run_phase_fn(rc_, sfb_hclose_run);
		if (rc != 0)
			goto out;
		for (i = 0; i < opt.workers; i++) {
			ok += sfb_wk[i].echoed;
			bad += sfb_wk[i].bad_bytes;
			strays += sfb_wk[i].strays;
			ck += sfb_wk[i].bad_cksum;
		}
		sf_http_stats_get(sfb_http, &hs);
		if (ok != opt.n || bad != 0 || hs.requests != opt.n ||
		    hs.resp[2] != opt.n)
			sfb_invalid(rc_, "%" PRIu64 " responses right, %" PRIu64
				" wrong, %" PRIu64 " requests for %u "
				"connections", ok, bad, hs.requests, opt.n);
		if (rc_->wall_s > 0 && sfb_cnt(SF_CNT_passive_opens) !=
		    opt.n)
			sfb_invalid(rc_, "%" PRIu64 " passive opens for %u",
				sfb_cnt(SF_CNT_passive_opens), opt.n);
		if (strays != 0 || ck != 0)
			sfb_invalid(rc_, "%" PRIu64 " stray frames, %" PRIu64
				" bad checksums", strays, ck);
		if (sfb_drops() != 0)
			sfb_invalid(rc_, "%" PRIu64 " drops", sfb_drops());
		sfb_engine_free();
	}
	if (!opt.phase_on[SFB_HTTP_KEEPALIVE])
		goto out;
	rc = sfb_engine(2, SFB_E_HTTP_KA);
	if (rc != 0) {
		fprintf(stderr, "sf_bench: http engine: %s\n", strerror(-rc));
		goto out;
	}
	ok = bad = strays = ck = 0;
	for (i = 0; i < opt.workers; i++) {
		sfb_wk[i].bad_cksum = sfb_wk[i].checked = 0;
		memset(sfb_wk[i].ec, 0, sizeof(struct sfb_econn) *
			opt.echo_conns);
	}
	sfb_http_resp_len = 0;
	/* The echo phase's loop, sending requests (sfb_http is set). */
	rc = sfb_run_phase_fn(rk, sfb_echo_run);
	if (rc != 0)
		goto out;
	for (i = 0; i < opt.workers; i++) {
		ok += sfb_wk[i].echoed;
		bad += sfb_wk[i].bad_bytes;
		strays += sfb_wk[i].strays;
		gaps += sfb_wk[i].gaps;
		ck += sfb_wk[i].bad_cksum;
	}
	sf_http_stats_get(sfb_http, &hs);
	if (ok != opt.n || bad != 0 || gaps != 0 || hs.requests != opt.n)
		sfb_invalid(rk, "%" PRIu64 " responses right, %" PRIu64
			" wrong, %" PRIu64 " out of order, %" PRIu64
			" requests for %u", ok, bad, gaps, hs.requests, opt.n);
	if (strays != 0 || ck != 0)
		sfb_invalid(rk, "%" PRIu64 " stray frames, %" PRIu64
			" bad checksums", strays, ck);
	if (sfb_drops() != 0)
		sfb_invalid(rk, "%" PRIu64 " drops", sfb_drops());
out:
	if (sfb_eng != NULL)
		sfb_engine_free();
	return rc;
}

/* The generator lcore of the live run. */
static int
sfb_live_gen(void *arg)
{
	struct rte_mbuf *m[SFB_BURST], *out[SFB_BURST];
	uint64_t *offered = arg;
	unsigned int i, n;

	while (!sfb_live_stop) {
		n = rte_ring_dequeue_burst(sfb_tx[0], (void **)out, SFB_BURST,
			NULL);
		if (n != 0)
			rte_pktmbuf_free_bulk(out, n);
		if (rte_ring_count(sfb_rx[0]) > SFB_LIVE_QUEUE ||
		    rte_pktmbuf_alloc_bulk(sfb_pool, m, SFB_BURST) != 0)
			continue;
		for (i = 0; i < SFB_BURST; i++) {
			uint64_t r = sfg_rand(&sfb_rnd);

			sfg_syn_make(&sfb_tmpl, m[i], (uint32_t)r,
				sfg_sport(&sfb_tmpl, (uint32_t)(r >> 32)),
				(uint32_t)sfg_rand(&sfb_rnd), 1);
		}
		n = rte_ring_enqueue_burst(sfb_rx[0], (void **)m, SFB_BURST,
			NULL);
		*offered += n;
		if (n < SFB_BURST)
			rte_pktmbuf_free_bulk(m + n, SFB_BURST - n);
	}
	return 0;
}

/*
 * Live: cookie SYNs from a generator on another lcore while worker 0
 * runs on the main lcore, for live_ms. The rx ring is kept short (the
 * generator waits while it holds more than SFB_LIVE_QUEUE frames) so that the
 * worker sees a stream rather than a backlog.
 */
static int
sfb_run_live(unsigned int run)
{
	struct sfb_res *r = &sfb_live[run];
	struct sf_worker *w;
	uint64_t offered = 0, t0, t1, start, end, busy = 0, frames = 0, n;
	struct rte_mbuf *m[SFB_BURST];
	int rc;

	rc = sfb_engine(2, SFB_E_HANDSHAKE);
	if (rc != 0)
		return rc;
	w = sf_engine_worker(sfb_eng, 0);
	sfb_live_stop = false;
	rte_eal_remote_launch(sfb_live_gen, &offered, sfb_lcore_of[1]);
	/* Let the generator fill the pipe first. */
	rte_delay_ms(10);
	start = rte_rdtsc();
	end = start + sfb_hz * opt.live_ms / 1000;
	do {
		t0 = rte_rdtsc();
		n = sf_worker_poll(w);
		t1 = rte_rdtsc();
		if (n != 0) {
			busy += t1 - t0;
			frames += n;
		}
	} while (t1 < end);
	sfb_live_stop = true;
	rte_eal_wait_lcore(sfb_lcore_of[1]);
	r->wall_s = (double)(t1 - start) / (double)sfb_hz;
	r->mpps = (double)frames / r->wall_s / 1e6;
	r->cycles = frames ? (double)busy / (double)frames : 0;
	r->valid = frames != 0 && sfb_drops() == 0;
	if (!r->valid)
		snprintf(r->why, sizeof(r->why), "%" PRIu64 " frames, %"
			PRIu64 " drops", frames, sfb_drops());
	sfb_live_offered[run] = (double)offered / r->wall_s / 1e6;
	/* Empty the rings before the engine goes. */
	while ((n = rte_ring_dequeue_burst(sfb_rx[0], (void **)m, SFB_BURST,
		    NULL)) != 0)
		rte_pktmbuf_free_bulk(m, (unsigned int)n);
	sf_worker_flush(w);
	while ((n = rte_ring_dequeue_burst(sfb_tx[0], (void **)m, SFB_BURST,
		    NULL)) != 0)
		rte_pktmbuf_free_bulk(m, (unsigned int)n);
	sfb_engine_free();
	return 0;
}

static int
sfb_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
sfb_median(const struct sfb_res *r, unsigned int n, bool cycles)
{
	double v[SFB_MAX_RUNS];
	unsigned int i;

	for (i = 0; i < n; i++)
		v[i] = cycles ? r[i].cycles : r[i].mpps;
	qsort(v, n, sizeof(v[0]), sfb_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void
sfb_json_phase(FILE *f, const char *name, const struct sfb_res *r,
		unsigned int n, const double *offered, bool echo)
{
	double gb[SFB_MAX_RUNS];
	unsigned int i;
	bool valid = true;

	fprintf(f, "    \"%s\": {\"runs\": [", name);
	for (i = 0; i < n; i++) {
		fprintf(f, "%s{\"mpps\": %.4f, \"cycles_per_pkt\": %.1f, "
			"\"wall_s\": %.6f, \"valid\": %s", i ? ", " : "",
			r[i].mpps, r[i].cycles, r[i].wall_s,
			r[i].valid ? "true" : "false");
		if (offered != NULL)
			fprintf(f, ", \"offered_mpps\": %.4f", offered[i]);
		if (!r[i].valid)
			fprintf(f, ", \"why\": \"%s\"", r[i].why);
		if (echo)
			fprintf(f, ", \"gbps\": %.4f, \"bytes\": %" PRIu64
				", \"segs_out\": %" PRIu64 ", \"acks_out\": %"
				PRIu64 ", \"dup_segs\": %" PRIu64
				", \"mbufs_per_conn\": %.3f", r[i].gbps,
				r[i].bytes, r[i].segs_out, r[i].acks_out,
				r[i].dup_segs, r[i].mbufs_per_conn);
		if (strcmp(name, "proxy_fwd") == 0)
			fprintf(f, ", \"gbps\": %.4f, \"bytes\": %" PRIu64,
				r[i].gbps, r[i].bytes);
		fprintf(f, "}");
		valid = valid && r[i].valid;
		gb[i] = r[i].gbps;
	}
	fprintf(f, "], \"median_mpps\": %.4f, \"median_cycles_per_pkt\": "
		"%.1f, ", sfb_median(r, n, false), sfb_median(r, n, true));
	if (echo) {
		qsort(gb, n, sizeof(gb[0]), sfb_cmp);
		fprintf(f, "\"median_gbps\": %.4f, \"payload\": %u, "
			"\"conns_per_worker\": %u, \"tx_multiseg\": %s, "
			"\"timestamps\": %s, ",
			n % 2 ? gb[n / 2] : (gb[n / 2 - 1] + gb[n / 2]) / 2,
			strcmp(name, "echo64") == 0 ? sfb_echo_len[SFB_ECHO64] :
			sfb_echo_len[SFB_ECHO1460], opt.echo_conns,
			sfb_multiseg ? "true" : "false",
			sfb_echo_ts ? "true" : "false");
	}
	/* The proxy phases: what their rate and cycles count. */
	if (strcmp(name, "proxy_open") == 0)
		fprintf(f, "\"unit\": \"pairs\", \"pairs_per_worker\": %u, ",
			opt.px_conns);
	if (strcmp(name, "http_close") == 0)
		fprintf(f, "\"unit\": \"connections\", \"body\": %u, ",
			SFB_HTTP_BODY);
	if (strcmp(name, "http_keepalive") == 0)
		fprintf(f, "\"unit\": \"requests\", \"body\": %u, "
			"\"conns_per_worker\": %u, ", SFB_HTTP_BODY,
			opt.echo_conns);
	if (strcmp(name, "proxy_fwd") == 0) {
		qsort(gb, n, sizeof(gb[0]), sfb_cmp);
		fprintf(f, "\"unit\": \"spliced segments\", \"payload\": %u, "
			"\"pairs_per_worker\": %u, \"median_gbps\": %.4f, ",
			SFB_PX_PAYLOAD, opt.px_conns, n % 2 ? gb[n / 2] :
			(gb[n / 2 - 1] + gb[n / 2]) / 2);
	}
	fprintf(f, "\"valid\": %s}", valid ? "true" : "false");
}

/*
 * Heap bytes per entry: what an engine with *field = hi takes beyond one
 * with the field as set in ep (restored), over the difference; -1 when
 * either engine cannot be made.
 */
static double
sfb_heap_slope(struct sf_engine_params *ep, uint32_t *field, uint32_t hi)
{
	struct rte_malloc_socket_stats s1, s2;
	struct sf_engine *e;
	uint32_t lo = *field;

	e = sf_engine_create(ep);
	if (e == NULL)
		return -1;
	rte_malloc_get_socket_stats(ep->socket_id, &s1);
	sf_engine_free(e);
	*field = hi;
	e = sf_engine_create(ep);
	*field = lo;
	if (e == NULL)
		return -1;
	rte_malloc_get_socket_stats(ep->socket_id, &s2);
	sf_engine_free(e);
	return (double)(s2.heap_allocsz_bytes - s1.heap_allocsz_bytes) /
		(hi - lo);
}

/*
 * Memory: the structures' sizes, and what the engine allocates per entry
 * measured as the slope of its heap use between two table sizes (the
 * rte_hash key slots, buckets and extendable buckets included).
 */
static void
sfb_memory(FILE *f)
{
	struct sf_engine_params ep;
	const uint32_t lo = 1u << 16, hi = 1u << 18;
	double per_req, per_conn;
	int sock = (int)rte_socket_id();

	memset(&ep, 0, sizeof(ep));
	ep.nb_workers = 1;
	ep.socket_id = sock;
	ep.pool = sfb_pool;
	ep.max_requests = lo;
	ep.max_conns = lo;
	per_req = sfb_heap_slope(&ep, &ep.max_requests, hi);
	per_conn = sfb_heap_slope(&ep, &ep.max_conns, hi);
	/*
	 * conn_total_bytes, the slope over max_conns, holds struct sf_conn,
	 * the struct sf_tcb beside it and the hash-table share: what an idle
	 * connection costs. A busy one holds mbufs of data_mbuf_bytes each
	 * besides (2 KiB data room; the echo phases count them).
	 */
	fprintf(f, "  \"memory\": {\"request_struct_bytes\": %zu, "
		"\"conn_struct_bytes\": %zu, \"tcb_struct_bytes\": %zu, "
		"\"flow_key_bytes\": %zu, "
		"\"request_total_bytes\": %.1f, \"conn_total_bytes\": %.1f, "
		"\"mbuf_bytes\": %u, \"sndbuf\": %u",
		sizeof(struct sf_req), sizeof(struct sf_conn),
		sizeof(struct sf_tcb),
		sizeof(struct sf_flow_key), per_req, per_conn,
		sfb_pool->elt_size + sfb_pool->header_size +
		sfb_pool->trailer_size, SF_SNDBUF_DEFAULT);
	if (sfb_dpool != NULL)
		fprintf(f, ", \"data_mbuf_bytes\": %u, "
			"\"data_mbuf_room\": %u",
			sfb_dpool->elt_size + sfb_dpool->header_size +
			sfb_dpool->trailer_size,
			rte_pktmbuf_data_room_size(sfb_dpool));
	fprintf(f, "}");
}

int
main(int argc, char **argv)
{
	unsigned int i, lc, need, run;
	char err[128];
	FILE *f = stdout;
	int ret, rc = 0;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "sf_bench: EAL init failed\n");
		return 2;
	}
	argc -= ret;
	argv += ret;
	argv[0] = (char *)"sf_bench";
	if (sfb_parse(argc, argv) != 0) {
		rte_eal_cleanup();
		return 2;
	}
	sfb_hz = rte_get_tsc_hz();
	need = opt.workers + (sfb_do_live && opt.workers == 1 ? 1 : 0);
	if (sfb_do_live && opt.workers != 1) {
		fprintf(stderr, "sf_bench: live runs with --workers 1\n");
		rte_eal_cleanup();
		return 2;
	}
	if (rte_lcore_count() < need) {
		fprintf(stderr, "sf_bench: %u worker(s)%s need %u lcores, EAL "
			"has %u (-l)\n", opt.workers, sfb_do_live ?
			" and the live generator" : "", need,
			rte_lcore_count());
		rte_eal_cleanup();
		return 2;
	}
	i = 0;
	RTE_LCORE_FOREACH(lc)
		if (i < SFB_MAX_WORKERS)
			sfb_lcore_of[i++] = lc;
	/* Frames of a phase all wait at once; the mbufs are small. */
	sfb_pool = rte_pktmbuf_pool_create("sfb_pool", opt.n + 16384, 256, 0,
		RTE_PKTMBUF_HEADROOM + 256, rte_socket_id());
	if (sfb_pool == NULL) {
		fprintf(stderr, "sf_bench: pool of %u mbufs: %s (give EAL more "
			"memory with -m)\n", opt.n + 16384,
			rte_strerror(rte_errno));
		rte_eal_cleanup();
		return 1;
	}
	ret = sfb_port_init();
	if (ret != 0) {
		fprintf(stderr, "sf_bench: net_ring port: %s\n",
			strerror(-ret));
		rc = 1;
		goto out;
	}
	memset(&sfb_cfg, 0, sizeof(sfb_cfg));
	sfb_cfg.family = (uint8_t)opt.family;
	rte_eth_macaddr_get(sfb_port, &sfb_cfg.dst_mac);
	sfb_cfg.src_mac = sfb_cfg.dst_mac;
	sfb_cfg.src_mac.addr_bytes[5] ^= 1;
	sfb_bk_mac = sfb_cfg.src_mac;
	sfb_bk_mac.addr_bytes[5] ^= 2;
	if (opt.family == AF_INET) {
		memcpy(sfb_cfg.dst, (const uint8_t[]){ 10, 10, 0, 1 }, 4);
		memcpy(sfb_cfg.src, (const uint8_t[]){ 10, 20, 0, 0 }, 4);
		sfb_cfg.src_prefix = 16;
	} else {
		static const uint8_t d6[16] = { 0xfd, 0, 0, 0x10, 0, 0x10,
			[15] = 1 };
		static const uint8_t s6[16] = { 0xfd, 0, 0, 0x20 };

		memcpy(sfb_cfg.dst, d6, 16);
		memcpy(sfb_cfg.src, s6, 16);
		sfb_cfg.src_prefix = 96;
	}
	sfb_cfg.dport = 80;
	sfb_cfg.sport_lo = 1024;
	sfb_cfg.sport_hi = 65535;
	sfb_cfg.mss = 1460;
	sfb_cfg.wscale = 7;
	sfb_cfg.sack = true;
	sfb_cfg.ts = true;
	if (sfg_tmpl_init(&sfb_tmpl, &sfb_cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "sf_bench: %s\n", err);
		rc = 1;
		goto out;
	}
	sfb_host_bits = (unsigned int)__builtin_popcount(sfb_tmpl.src_mask);
	sfb_cfg.ts = sfb_echo_ts;
	if (sfg_tmpl_init(&sfb_etmpl, &sfb_cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "sf_bench: %s\n", err);
		rc = 1;
		goto out;
	}
	sfb_cfg.ts = true;
	for (i = 0; i < opt.workers; i++) {
		sfb_wk[i].saved = calloc(opt.n, sizeof(struct rte_mbuf *));
		sfb_wk[i].ec = calloc(opt.echo_conns,
			sizeof(struct sfb_econn));
		if (opt.phase_on[SFB_PROXY_OPEN]) {
			sfb_wk[i].pc = calloc(opt.px_conns,
				sizeof(struct sfb_pconn));
			sfb_wk[i].pmap = calloc(65536, sizeof(uint32_t));
			if (sfb_wk[i].pc == NULL || sfb_wk[i].pmap == NULL) {
				rc = 1;
				goto out;
			}
		}
		if (sfb_wk[i].saved == NULL || sfb_wk[i].ec == NULL) {
			rc = 1;
			goto out;
		}
	}
	for (i = 0; i < sizeof(sfb_pat); i++)
		sfb_pat[i] = (uint8_t)(i % SFB_PAT);
	for (i = 0; i < SFB_HTTP_BODY; i++)
		sfb_http_body[i] = (uint8_t)('a' + i % 26);
	if (opt.phase_on[SFB_ECHO64] || opt.phase_on[SFB_ECHO1460] ||
	    opt.phase_on[SFB_PROXY_FWD] || opt.phase_on[SFB_HTTP_CLOSE] ||
	    opt.phase_on[SFB_HTTP_KEEPALIVE]) {
		/*
		 * Per worker: a batch of data segments and its replies' headers,
		 * and the send queues (half the pool at most, the engine's
		 * rule): room for several segments per connection.
		 */
		need = opt.workers * (8 * opt.echo_conns + 4 * sfb_batch) +
			4096;
		sfb_dpool = rte_pktmbuf_pool_create("sfb_dpool", need, 256, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
		if (sfb_dpool == NULL) {
			fprintf(stderr, "sf_bench: pool of %u data mbufs: %s "
				"(give EAL more memory with -m)\n", need,
				rte_strerror(rte_errno));
			rc = 1;
			goto out;
		}
	}

	for (run = 0; run < opt.runs && rc == 0; run++) {
		if (opt.phase_on[SFB_COOKIE_SYN])
			rc = sfb_run_mode(true, run);
		if (rc == 0 && opt.phase_on[SFB_STATEFUL_SYN])
			rc = sfb_run_mode(false, run);
		if (rc == 0 && opt.phase_on[SFB_ECHO64])
			rc = sfb_run_echo(SFB_ECHO64, run);
		if (rc == 0 && opt.phase_on[SFB_ECHO1460])
			rc = sfb_run_echo(SFB_ECHO1460, run);
		if (rc == 0 && opt.phase_on[SFB_PROXY_OPEN])
			rc = sfb_run_proxy(run);
		if (rc == 0 && (opt.phase_on[SFB_HTTP_CLOSE] ||
		    opt.phase_on[SFB_HTTP_KEEPALIVE]))
			rc = sfb_run_http(run);
		if (rc == 0 && sfb_do_live)
			rc = sfb_run_live(run);
	}
	if (rc != 0) {
		rc = 1;
		goto out;
	}
	if (opt.json != NULL && (f = fopen(opt.json, "w")) == NULL) {
		fprintf(stderr, "sf_bench: --json '%s': %s\n", opt.json,
			strerror(errno));
		rc = 1;
		goto out;
	}
	fprintf(f, "{\n  \"tsc_hz\": %" PRIu64 ", \"workers\": %u, "
		"\"n\": %u, \"runs\": %u, \"family\": \"%s\",\n  "
		"\"phases\": {\n", sfb_hz, opt.workers, opt.n, opt.runs,
		opt.family == AF_INET ? "ipv4" : "ipv6");
	ret = 0;
	for (i = 0; i < SFB_NB_PHASES; i++) {
		if (!opt.phase_on[i])
			continue;
		fprintf(f, "%s", ret++ ? ",\n" : "");
		sfb_json_phase(f, sfb_phase_name[i], sfb_results[i],
			opt.runs, NULL, sfb_is_echo(i));
	}
	if (sfb_do_live) {
		fprintf(f, "%s", ret++ ? ",\n" : "");
		sfb_json_phase(f, "live_cookie_syn", sfb_live, opt.runs,
			sfb_live_offered, false);
	}
	fprintf(f, "\n  }");
	if (!sfb_no_memory) {
		fprintf(f, ",\n");
		sfb_memory(f);
	}
	need = rte_mempool_in_use_count(sfb_pool) + (sfb_dpool != NULL ?
		rte_mempool_in_use_count(sfb_dpool) : 0);
	fprintf(f, ",\n  \"mbufs_in_use_at_end\": %u\n}\n", need);
	if (f != stdout)
		fclose(f);
	if (need != 0) {
		fprintf(stderr, "sf_bench: %u mbufs not back in the pool\n",
			need);
		rc = 1;
	}
out:
	rte_eth_dev_stop(sfb_port);
	rte_eth_dev_close(sfb_port);
	rte_mempool_free(sfb_pool);
	rte_mempool_free(sfb_dpool);
	rte_eal_cleanup();
	return rc;
}
