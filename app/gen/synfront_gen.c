/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * synfront-gen: a DPDK load generator for TCP listeners, on any ethdev.
 *
 *   syn-flood  spoofed SYNs at a target rate (or as fast as the port
 *              takes them), random sources within a prefix and a port
 *              range, the options of a real client;
 *   handshake  the same SYNs, and every SYN-ACK that comes back answered
 *              statelessly with the third ACK (optionally with data, and a
 *              FIN or RST after it), so that a server completes full
 *              handshakes; SYN -> SYN-ACK latency is read from the
 *              timestamp echo (our TSval carries the send time in TSC/16);
 *   transfer   C real connections, each a small stateful TCP sender of
 *              --bytes of a known pattern (sfg_xfer.c), optionally
 *              receiving and checking what the server echoes; Gbit/s.
 *
 * Every lcore is a generator with its own queue pair. The main one also
 * prints the progress line. At the end: a JSON summary on stdout (and in
 * --json FILE).
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "sf_engine.h"
#include "sfg_hist.h"
#include "sfg_pkt.h"
#include "sfg_xfer.h"

#define SFG_MAX_BURST 256
#define SFG_RING_DESC 1024
#define SFG_MBUF_CACHE 256
/* TSval ticks are TSC >> SFG_TS_SHIFT: a few ns each, wrapping in ~20 s. */
#define SFG_TS_SHIFT 4

enum sfg_mode { SFG_MODE_FLOOD, SFG_MODE_HANDSHAKE, SFG_MODE_TRANSFER };

/* Settings from the command line. */
static struct {
	enum sfg_mode mode;
	uint16_t port;
	struct sfg_cfg pkt;
	bool have_dst, have_src, have_mac;
	double rate;         /* SYNs per second, all lcores; 0: max */
	uint64_t count;      /* SYNs in all; 0: until the duration */
	double duration;     /* seconds of sending */
	unsigned int burst;
	double stats_interval;
	unsigned int drain_ms;
	unsigned int link_wait_s;
	unsigned int wait_peer_s;
	uint64_t seed;
	const char *json;
	/* --mode transfer */
	uint32_t conns;
	uint64_t bytes;      /* per connection; 0: until the duration */
	bool echo;
	uint32_t inflight;
	uint32_t rto_ms;
	bool drain_set;
	/* --http PATH: the request the third ACK carries */
	char http_req[512];
} opt = {
	.mode = SFG_MODE_FLOOD,
	.duration = 10,
	.burst = 32,
	.stats_interval = 1,
	.drain_ms = 200,
	.link_wait_s = 5,
	.conns = 1,
	.inflight = 262144,
	.rto_ms = 200,
};

/* Per-lcore state and counters, one cache line apart. */
struct sfg_lcore {
	uint16_t queue;
	uint64_t quota;      /* SYNs to send; UINT64_MAX: no count */
	double gap;          /* TSC cycles between SYNs; 0: max */
	uint64_t rnd;
	/* Written by the lcore, read by the main one for progress. */
	volatile uint64_t tx_syn;
	volatile uint64_t tx_ack;   /* answers sent (ACKs, FIN-ACKs, after) */
	volatile uint64_t tx_busy;  /* SYN sends the tx queue refused, retried */
	volatile uint64_t ans_full; /* answers the tx queue refused */
	volatile uint64_t nombuf;   /* SYNs not built for want of mbufs */
	volatile uint64_t rx;
	uint64_t acks;              /* third ACKs sent: handshakes answered */
	uint64_t last_synack;       /* TSC of the last SYN-ACK seen */
	struct sfg_rx_stats st;
	struct sfg_hist hist;
	struct sfg_hist resp_hist;  /* --http: request -> response */
} __rte_cache_aligned;

static struct sfg_lcore sfg_lc[RTE_MAX_LCORE];
static struct sfg_tmpl sfg_tmpl;
static struct rte_mempool *sfg_pool;
static volatile bool sfg_quit;     /* signal: stop everything */
static volatile bool sfg_stop_tx;  /* sending phase over */
static uint64_t sfg_hz;

static void
sfg_signal(int sig)
{
	(void)sig;
	sfg_quit = true;
}

static void
sfg_usage(const char *prg)
{
	printf("usage: %s [EAL options] -- --dst ADDR [options]\n"
	"  --mode syn-flood|handshake|transfer  spoofed SYNs only, complete\n"
	"                        each handshake, or open --conns connections\n"
	"                        and send data through them (default\n"
	"                        syn-flood)\n"
	"  --dst ADDR            target address, IPv4 or IPv6 (required)\n"
	"  --dport N             target port (default 80)\n"
	"  --src PREFIX          random sources within it (default\n"
	"                        10.20.0.0/16 or fd00:20::/96; at most 32\n"
	"                        random bits)\n"
	"  --sport LO[-HI]       random source ports (default 1024-65535)\n"
	"  --rate PPS            SYNs per second, all lcores (default 0 = max)\n"
	"  --count N             stop after N SYNs (default 0 = --duration)\n"
	"  --duration S          seconds of sending (default 10)\n"
	"  --mss N               MSS option, 0 = none (default 1460)\n"
	"  --wscale N            window scale option, -1 = none (default 7)\n"
	"  --sack yes|no         SACK-permitted (default yes)\n"
	"  --ts yes|no           timestamps; they carry the latency probe\n"
	"                        (default yes)\n"
	"  --ecn yes|no          ECN setup SYN (default no)\n"
	"  --ack-data N          handshake: N bytes of data on the ACK\n"
	"  --after none|fin|rst  handshake: segment after the ACK (default\n"
	"                        none)\n"
	"  --http PATH           handshake: the ACK carries GET PATH (HTTP/1.1,\n"
	"                        Connection: close); the server's response and\n"
	"                        FIN are answered with ours; responses counted,\n"
	"                        request -> response latency from the TS echo\n"
	"  --conns N             transfer: connections, source ports from\n"
	"                        the --sport range's first on (default 1)\n"
	"  --bytes N             transfer: bytes per connection (default 0 =\n"
	"                        until --duration)\n"
	"  --echo yes|no         transfer: the server echoes; receive, check\n"
	"                        and acknowledge it (default no)\n"
	"  --inflight N          transfer: bytes in flight per connection at\n"
	"                        most (default 262144)\n"
	"  --rto-ms N            transfer: retransmission timeout (default\n"
	"                        200)\n"
	"  --dst-mac MAC         target MAC (default: ARP / ND resolution)\n"
	"  --port N              port id (default 0)\n"
	"  --burst N             frames per burst, 1..%d (default 32)\n"
	"  --stats-interval S    progress line every S seconds, 0 = off\n"
	"                        (default 1)\n"
	"  --drain-ms MS         keep answering this long after sending\n"
	"                        (default 200; transfer: 2000, for the\n"
	"                        closes)\n"
	"  --link-wait S         wait for link up at start (default 5)\n"
	"  --seed N              PRNG seed (default: from the TSC)\n"
	"  --wait-peer-close S   after the summary, wait up to S seconds for\n"
	"                        the peer to take the link down before\n"
	"                        closing the port (default 0)\n"
	"  --json FILE           also write the final JSON summary to FILE\n"
	"  -h, --help            this text\n"
	"Example: %s -l 0 --no-huge -m 512 --no-pci --file-prefix gen \\\n"
	"  --vdev net_memif0,role=client,socket=/tmp/sf.sock,"
	"socket-abstract=no -- \\\n"
	"  --mode handshake --dst 10.10.0.1 --rate 100000 --duration 5\n",
	prg, SFG_MAX_BURST, prg);
}

/* Parse an unsigned number in [lo, hi]; names the option when it fails. */
static int
sfg_num(const char *name, const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "synfront-gen: %s '%s': expected a number "
			"from %.0f to %.0f\n", name, s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

static int
sfg_bool(const char *name, const char *s, bool *out)
{
	if (strcmp(s, "yes") == 0 || strcmp(s, "1") == 0)
		*out = true;
	else if (strcmp(s, "no") == 0 || strcmp(s, "0") == 0)
		*out = false;
	else {
		fprintf(stderr, "synfront-gen: %s '%s': expected yes or no\n",
			name, s);
		return -1;
	}
	return 0;
}

static int
sfg_addr(const char *name, const char *s, struct sf_addr *a)
{
	int rc = sf_addr_parse(s, a);

	if (rc != 0) {
		fprintf(stderr, "synfront-gen: %s '%s': %s\n", name, s,
			rc == -ERANGE ? "prefix length out of range" :
			"expected an IPv4 or IPv6 address[/PREFIX]");
		return -1;
	}
	return 0;
}

static int
sfg_parse(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "mode", 1, NULL, 'M' }, { "dst", 1, NULL, 'd' },
		{ "dport", 1, NULL, 'P' }, { "src", 1, NULL, 's' },
		{ "sport", 1, NULL, 'S' }, { "rate", 1, NULL, 'r' },
		{ "count", 1, NULL, 'n' }, { "duration", 1, NULL, 't' },
		{ "mss", 1, NULL, 'm' }, { "wscale", 1, NULL, 'w' },
		{ "sack", 1, NULL, 'K' }, { "ts", 1, NULL, 'T' },
		{ "ecn", 1, NULL, 'E' }, { "ack-data", 1, NULL, 'D' },
		{ "after", 1, NULL, 'A' }, { "dst-mac", 1, NULL, 'a' },
		{ "http", 1, NULL, 'H' },
		{ "port", 1, NULL, 'p' }, { "burst", 1, NULL, 'b' },
		{ "stats-interval", 1, NULL, 'i' },
		{ "drain-ms", 1, NULL, 'R' }, { "link-wait", 1, NULL, 'L' },
		{ "seed", 1, NULL, 'x' }, { "json", 1, NULL, 'j' },
		{ "wait-peer-close", 1, NULL, 'W' },
		{ "conns", 1, NULL, 'C' }, { "bytes", 1, NULL, 'B' },
		{ "echo", 1, NULL, 'e' }, { "inflight", 1, NULL, 'I' },
		{ "rto-ms", 1, NULL, 'o' },
		{ "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	struct sf_addr dst = { 0 }, src = { 0 };
	struct sfg_cfg *c = &opt.pkt;
	const char *dst_arg = NULL;
	double v, v2;
	char *dash;
	int ch;

	c->dport = 80;
	c->sport_lo = 1024;
	c->sport_hi = 65535;
	c->mss = 1460;
	c->wscale = 7;
	c->sack = true;
	c->ts = true;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (ch) {
		case 'M':
			if (strcmp(optarg, "syn-flood") == 0)
				opt.mode = SFG_MODE_FLOOD;
			else if (strcmp(optarg, "handshake") == 0)
				opt.mode = SFG_MODE_HANDSHAKE;
			else if (strcmp(optarg, "transfer") == 0)
				opt.mode = SFG_MODE_TRANSFER;
			else {
				fprintf(stderr, "synfront-gen: --mode '%s': "
					"expected syn-flood, handshake or "
					"transfer\n", optarg);
				return -1;
			}
			break;
		case 'd':
			if (sfg_addr("--dst", optarg, &dst) != 0)
				return -1;
			dst_arg = optarg;
			opt.have_dst = true;
			break;
		case 's':
			if (sfg_addr("--src", optarg, &src) != 0)
				return -1;
			opt.have_src = true;
			break;
		case 'P':
			if (sfg_num("--dport", optarg, 1, 65535, &v) != 0)
				return -1;
			c->dport = (uint16_t)v;
			break;
		case 'S':
			dash = strchr(optarg, '-');
			if (dash != NULL)
				*dash = '\0';
			if (sfg_num("--sport", optarg, 1, 65535, &v) != 0 ||
			    (dash != NULL && sfg_num("--sport", dash + 1, v,
				    65535, &v2) != 0))
				return -1;
			c->sport_lo = (uint16_t)v;
			c->sport_hi = (uint16_t)(dash != NULL ? v2 : v);
			break;
		case 'r':
			if (sfg_num("--rate", optarg, 0, 1e9, &opt.rate) != 0)
				return -1;
			break;
		case 'n':
			if (sfg_num("--count", optarg, 0, 1e15, &v) != 0)
				return -1;
			opt.count = (uint64_t)v;
			break;
		case 't':
			if (sfg_num("--duration", optarg, 0.001, 86400,
				    &opt.duration) != 0)
				return -1;
			break;
		case 'm':
			if (sfg_num("--mss", optarg, 0, 65535, &v) != 0)
				return -1;
			c->mss = (uint16_t)v;
			break;
		case 'w':
			if (strcmp(optarg, "-1") == 0)
				v = -1;
			else if (sfg_num("--wscale", optarg, 0, 14, &v) != 0)
				return -1;
			c->wscale = (int8_t)v;
			break;
		case 'K':
			if (sfg_bool("--sack", optarg, &c->sack) != 0)
				return -1;
			break;
		case 'T':
			if (sfg_bool("--ts", optarg, &c->ts) != 0)
				return -1;
			break;
		case 'E':
			if (sfg_bool("--ecn", optarg, &c->ecn) != 0)
				return -1;
			break;
		case 'D':
			if (sfg_num("--ack-data", optarg, 0, 1400, &v) != 0)
				return -1;
			c->ack_data = (uint16_t)v;
			break;
		case 'H':
			if (optarg[0] != '/' || strlen(optarg) > 200 ||
			    strpbrk(optarg, " \r\n\t") != NULL) {
				fprintf(stderr, "synfront-gen: --http '%s': "
					"expected a /PATH of at most 200 "
					"characters, no spaces\n", optarg);
				return -1;
			}
			/* Host is set once --dst is known. */
			snprintf(opt.http_req, sizeof(opt.http_req), "%s",
				optarg);
			break;
		case 'A':
			if (strcmp(optarg, "none") == 0)
				c->after = SFG_AFTER_NONE;
			else if (strcmp(optarg, "fin") == 0)
				c->after = SFG_AFTER_FIN;
			else if (strcmp(optarg, "rst") == 0)
				c->after = SFG_AFTER_RST;
			else {
				fprintf(stderr, "synfront-gen: --after '%s': "
					"expected none, fin or rst\n", optarg);
				return -1;
			}
			break;
		case 'a':
			if (rte_ether_unformat_addr(optarg, &c->dst_mac) != 0) {
				fprintf(stderr, "synfront-gen: --dst-mac '%s': "
					"expected XX:XX:XX:XX:XX:XX\n", optarg);
				return -1;
			}
			opt.have_mac = true;
			break;
		case 'p':
			if (sfg_num("--port", optarg, 0, RTE_MAX_ETHPORTS - 1,
				    &v) != 0)
				return -1;
			opt.port = (uint16_t)v;
			break;
		case 'b':
			if (sfg_num("--burst", optarg, 1, SFG_MAX_BURST,
				    &v) != 0)
				return -1;
			opt.burst = (unsigned int)v;
			break;
		case 'i':
			if (sfg_num("--stats-interval", optarg, 0, 3600,
				    &opt.stats_interval) != 0)
				return -1;
			break;
		case 'R':
			if (sfg_num("--drain-ms", optarg, 0, 60000, &v) != 0)
				return -1;
			opt.drain_ms = (unsigned int)v;
			opt.drain_set = true;
			break;
		case 'L':
			if (sfg_num("--link-wait", optarg, 0, 600, &v) != 0)
				return -1;
			opt.link_wait_s = (unsigned int)v;
			break;
		case 'W':
			if (sfg_num("--wait-peer-close", optarg, 0, 600,
				    &v) != 0)
				return -1;
			opt.wait_peer_s = (unsigned int)v;
			break;
		case 'x':
			if (sfg_num("--seed", optarg, 1, 1e18, &v) != 0)
				return -1;
			opt.seed = (uint64_t)v;
			break;
		case 'j':
			opt.json = optarg;
			break;
		case 'C':
			if (sfg_num("--conns", optarg, 1, 65535, &v) != 0)
				return -1;
			opt.conns = (uint32_t)v;
			break;
		case 'B':
			if (sfg_num("--bytes", optarg, 0, 1e15, &v) != 0)
				return -1;
			opt.bytes = (uint64_t)v;
			break;
		case 'e':
			if (sfg_bool("--echo", optarg, &opt.echo) != 0)
				return -1;
			break;
		case 'I':
			if (sfg_num("--inflight", optarg, 1, 1 << 30, &v) != 0)
				return -1;
			opt.inflight = (uint32_t)v;
			break;
		case 'o':
			if (sfg_num("--rto-ms", optarg, 1, 60000, &v) != 0)
				return -1;
			opt.rto_ms = (uint32_t)v;
			break;
		case 'h':
			sfg_usage(argv[0]);
			exit(0);
		default:
			sfg_usage(argv[0]);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "synfront-gen: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	if (!opt.have_dst) {
		fprintf(stderr, "synfront-gen: --dst ADDR is required\n");
		return -1;
	}
	if (dst.prefix_len != (dst.family == AF_INET ? 32 : 128)) {
		fprintf(stderr, "synfront-gen: --dst '%s': one address, "
			"without a prefix\n", dst_arg);
		return -1;
	}
	if (!opt.have_src) {
		if (dst.family == AF_INET)
			sf_addr_parse("10.20.0.0/16", &src);
		else
			sf_addr_parse("fd00:20::/96", &src);
	} else if (src.family != dst.family) {
		fprintf(stderr, "synfront-gen: --src and --dst must be of "
			"the same family\n");
		return -1;
	}
	c->family = dst.family;
	if (dst.family == AF_INET) {
		memcpy(c->dst, &dst.v4, 4);
		memcpy(c->src, &src.v4, 4);
	} else {
		memcpy(c->dst, dst.v6, 16);
		memcpy(c->src, src.v6, 16);
	}
	c->src_prefix = src.prefix_len;
	if (opt.mode != SFG_MODE_HANDSHAKE &&
	    (c->ack_data != 0 || c->after != SFG_AFTER_NONE ||
	     opt.http_req[0] != '\0')) {
		fprintf(stderr, "synfront-gen: --ack-data, --after and --http "
			"apply to --mode handshake only\n");
		return -1;
	}
	if (opt.http_req[0] != '\0') {
		char path[256], host[64];
		int n;

		if (c->ack_data != 0 || c->after != SFG_AFTER_NONE) {
			fprintf(stderr, "synfront-gen: --http sends its own "
				"data and leaves the close to the server: not "
				"with --ack-data or --after\n");
			return -1;
		}
		/* the path was checked: at most 200 bytes */
		memcpy(path, opt.http_req, strlen(opt.http_req) + 1);
		inet_ntop(c->family, c->dst, host, sizeof(host));
		n = snprintf(opt.http_req, sizeof(opt.http_req),
			"GET %s HTTP/1.1\r\nHost: %s%s%s\r\n"
			"Connection: close\r\n\r\n", path,
			c->family == AF_INET6 ? "[" : "", host,
			c->family == AF_INET6 ? "]" : "");
		c->ack_data = (uint16_t)n;
		c->ack_payload = (const uint8_t *)opt.http_req;
	}
	if (opt.mode == SFG_MODE_TRANSFER) {
		if (opt.count != 0 || opt.rate != 0) {
			fprintf(stderr, "synfront-gen: --count and --rate do "
				"not apply to --mode transfer (--conns, "
				"--bytes, --duration)\n");
			return -1;
		}
		if (opt.conns > (uint32_t)c->sport_hi - c->sport_lo + 1) {
			fprintf(stderr, "synfront-gen: --conns %u: the --sport "
				"range %u-%u has %u ports\n", opt.conns,
				c->sport_lo, c->sport_hi,
				c->sport_hi - c->sport_lo + 1);
			return -1;
		}
		if (!opt.drain_set)
			opt.drain_ms = 2000;
	}
	return 0;
}

/* Set up the port: one queue pair per lcore, promiscuous. */
static int
sfg_port_init(uint16_t port, uint16_t nq)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	uint16_t q, nrx = SFG_RING_DESC, ntx = SFG_RING_DESC;
	int rc;

	memset(&conf, 0, sizeof(conf));
	rc = rte_eth_dev_info_get(port, &info);
	if (rc != 0)
		return rc;
	if (nq > info.max_rx_queues || nq > info.max_tx_queues) {
		fprintf(stderr, "synfront-gen: port %u has %u rx / %u tx "
			"queues; %u lcores need one pair each\n", port,
			info.max_rx_queues, info.max_tx_queues, nq);
		return -EINVAL;
	}
	if (nq > 1 && (info.flow_type_rss_offloads & RTE_ETH_RSS_TCP) != 0) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_TCP &
			info.flow_type_rss_offloads;
	}
	rc = rte_eth_dev_configure(port, nq, nq, &conf);
	if (rc == 0)
		rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nrx, &ntx);
	for (q = 0; rc == 0 && q < nq; q++) {
		rc = rte_eth_rx_queue_setup(port, q, nrx,
			rte_eth_dev_socket_id(port), NULL, sfg_pool);
		if (rc == 0)
			rc = rte_eth_tx_queue_setup(port, q, ntx,
				rte_eth_dev_socket_id(port), NULL);
	}
	if (rc == 0)
		rc = rte_eth_dev_start(port);
	if (rc == 0)
		rte_eth_promiscuous_enable(port); /* best effort */
	return rc;
}

static bool
sfg_link_up(uint16_t port, unsigned int wait_s)
{
	struct rte_eth_link link;
	unsigned int i;

	for (i = 0; i <= wait_s * 10 && !sfg_quit; i++) {
		if (rte_eth_link_get_nowait(port, &link) == 0 &&
		    link.link_status == RTE_ETH_LINK_UP)
			return true;
		rte_delay_ms(100);
	}
	return false;
}

/* An ARP request (v4) or neighbour solicitation (v6) for the target. */
static struct rte_mbuf *
sfg_solicit(const struct sfg_cfg *c)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(sfg_pool);
	struct rte_ether_hdr *eh;
	uint32_t sip;

	if (m == NULL)
		return NULL;
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	rte_ether_addr_copy(&c->src_mac, &eh->src_addr);
	if (c->family == AF_INET) {
		struct rte_arp_hdr *ah = (struct rte_arp_hdr *)(eh + 1);

		memset(&eh->dst_addr, 0xff, sizeof(eh->dst_addr));
		eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
		ah->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
		ah->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
		ah->arp_hlen = RTE_ETHER_ADDR_LEN;
		ah->arp_plen = 4;
		ah->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
		rte_ether_addr_copy(&c->src_mac, &ah->arp_data.arp_sha);
		/* Our "address": the first of the source prefix, plus one. */
		memcpy(&sip, c->src, 4);
		ah->arp_data.arp_sip = rte_cpu_to_be_32(
			rte_be_to_cpu_32(sip) + 1);
		memset(&ah->arp_data.arp_tha, 0, RTE_ETHER_ADDR_LEN);
		memcpy(&ah->arp_data.arp_tip, c->dst, 4);
		m->data_len = m->pkt_len = sizeof(*eh) + sizeof(*ah);
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(eh + 1);
		uint8_t *ns = (uint8_t *)(ip6 + 1);
		static const uint8_t snm[13] = {
			0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff };

		/* To the target's solicited-node group (RFC 4291 2.7.1). */
		eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
		eh->dst_addr.addr_bytes[0] = 0x33;
		eh->dst_addr.addr_bytes[1] = 0x33;
		eh->dst_addr.addr_bytes[2] = 0xff;
		memcpy(&eh->dst_addr.addr_bytes[3], c->dst + 13, 3);
		ip6->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip6->payload_len = rte_cpu_to_be_16(32);
		ip6->proto = IPPROTO_ICMPV6;
		ip6->hop_limits = 255;
		memcpy(ip6->src_addr, c->src, 16);
		ip6->src_addr[15] |= 1;
		memcpy(ip6->dst_addr, snm, 13);
		memcpy(ip6->dst_addr + 13, c->dst + 13, 3);
		memset(ns, 0, 32);
		ns[0] = 135;                      /* neighbour solicitation */
		memcpy(ns + 8, c->dst, 16);       /* target */
		ns[24] = 1;                       /* source link-layer addr */
		ns[25] = 1;
		memcpy(ns + 26, &c->src_mac, 6);
		{
			uint16_t ck = rte_ipv6_udptcp_cksum(ip6, ns);

			/* rte_ipv6_udptcp_cksum maps 0 to 0xffff, as UDP;
			 * for ICMPv6 both encodings verify. */
			memcpy(ns + 2, &ck, 2);
		}
		m->data_len = m->pkt_len = sizeof(*eh) + sizeof(*ip6) + 32;
	}
	return m;
}

/* The target's MAC from an ARP reply or neighbour advertisement. */
static bool
sfg_solicit_reply(const struct sfg_cfg *c, const struct rte_mbuf *m,
		struct rte_ether_addr *mac)
{
	const struct rte_ether_hdr *eh =
		rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	uint32_t len = rte_pktmbuf_data_len(m);

	if (c->family == AF_INET &&
	    eh->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP) &&
	    len >= sizeof(*eh) + sizeof(struct rte_arp_hdr)) {
		const struct rte_arp_hdr *ah = (const void *)(eh + 1);

		if (ah->arp_opcode == rte_cpu_to_be_16(RTE_ARP_OP_REPLY) &&
		    memcmp(&ah->arp_data.arp_sip, c->dst, 4) == 0) {
			rte_ether_addr_copy(&ah->arp_data.arp_sha, mac);
			return true;
		}
	}
	if (c->family == AF_INET6 &&
	    eh->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6) &&
	    len >= sizeof(*eh) + sizeof(struct rte_ipv6_hdr) + 24) {
		const struct rte_ipv6_hdr *ip6 = (const void *)(eh + 1);
		const uint8_t *na = (const uint8_t *)(ip6 + 1);

		/* A neighbour advertisement for the target: its L2 source. */
		if (ip6->proto == IPPROTO_ICMPV6 && na[0] == 136 &&
		    memcmp(na + 8, c->dst, 16) == 0) {
			rte_ether_addr_copy(&eh->src_addr, mac);
			return true;
		}
	}
	return false;
}

/* Resolve the target's MAC on queue 0: up to 3 requests, 1 s apart. */
static int
sfg_resolve(struct sfg_cfg *c)
{
	struct rte_mbuf *rx[32], *m;
	uint64_t until;
	unsigned int tries, i, n;
	bool found = false;

	for (tries = 0; tries < 3 && !found && !sfg_quit; tries++) {
		m = sfg_solicit(c);
		if (m == NULL)
			return -ENOMEM;
		if (rte_eth_tx_burst(opt.port, 0, &m, 1) != 1)
			rte_pktmbuf_free(m);
		until = rte_rdtsc() + sfg_hz;
		while (!found && !sfg_quit && rte_rdtsc() < until) {
			n = rte_eth_rx_burst(opt.port, 0, rx, 32);
			for (i = 0; i < n; i++) {
				if (!found && sfg_solicit_reply(c, rx[i],
					    &c->dst_mac))
					found = true;
				rte_pktmbuf_free(rx[i]);
			}
		}
	}
	return found ? 0 : -ETIMEDOUT;
}

/* Send what the tx queue takes; count and free the rest. */
static inline uint16_t
sfg_tx(uint16_t q, struct rte_mbuf **v, uint16_t n, volatile uint64_t *full)
{
	uint16_t sent = n == 0 ? 0 : rte_eth_tx_burst(opt.port, q, v, n);

	if (sent < n) {
		*full += n - sent;
		rte_pktmbuf_free_bulk(v + sent, n - sent);
	}
	return sent;
}

/* Control of the run, done by the main lcore between its bursts. */
static struct {
	uint64_t start, end_at, stop_tsc, last, next_stat, next_ctl;
} sfg_run;

static void sfg_control(uint64_t now);
static void sfg_port_json(FILE *f, const struct rte_eth_stats *ps);

static int
sfg_lcore_main(void *arg)
{
	struct sfg_lcore *l = arg;
	struct rte_mbuf *rx[SFG_MAX_BURST], *tx[2 * SFG_MAX_BURST];
	struct rte_mbuf *pend[SFG_MAX_BURST], *extra;
	bool is_ack[2 * SFG_MAX_BURST];
	uint64_t now, tsc_ns, lat, stop_at = 0, left;
	double next;
	uint32_t tsecr, ts_now;
	unsigned int i, n, nt, k, want, npend = 0;
	bool hs = opt.mode == SFG_MODE_HANDSHAKE, is_synack, is_resp;
	bool is_main = rte_lcore_id() == rte_get_main_lcore();
	uint16_t q = l->queue;

	/* ns per TSval tick, fixed point 32.32, to turn echoes into ns. */
	tsc_ns = (uint64_t)((double)(1ULL << SFG_TS_SHIFT) * 1e9 /
		(double)sfg_hz * 4294967296.0);
	next = (double)rte_rdtsc();
	for (;;) {
		now = rte_rdtsc();
		if (is_main && now >= sfg_run.next_ctl)
			sfg_control(now);
		ts_now = (uint32_t)(now >> SFG_TS_SHIFT);

		/* Answers first: they complete handshakes already begun. */
		n = rte_eth_rx_burst(opt.port, q, rx, SFG_MAX_BURST);
		l->rx += n;
		nt = 0;
		for (i = 0; i < n; i++) {
			tsecr = 0;
			k = sfg_answer(&opt.pkt, rx[i], hs ? sfg_pool : NULL,
				ts_now, &extra, &tsecr, &is_synack, &l->st,
				&is_resp);
			if (is_resp && opt.pkt.ts && tsecr != 0) {
				lat = (uint32_t)(ts_now - tsecr);
				sfg_hist_add(&l->resp_hist,
					(lat * tsc_ns) >> 32);
			}
			if (is_synack) {
				l->last_synack = now;
				if (opt.pkt.ts && tsecr != 0) {
					lat = (uint32_t)(ts_now - tsecr);
					sfg_hist_add(&l->hist,
						(lat * tsc_ns) >> 32);
				}
			}
			/* Flood: count what comes back, answer nothing. */
			if (k == 0 || !hs) {
				rte_pktmbuf_free(rx[i]);
				continue;
			}
			/* The third ACK is the first answer to a SYN-ACK. */
			is_ack[nt] = is_synack;
			tx[nt++] = rx[i];
			if (k == 2) {
				is_ack[nt] = false;
				tx[nt++] = extra;
			}
		}
		k = sfg_tx(q, tx, (uint16_t)nt, &l->ans_full);
		l->tx_ack += k;
		for (i = 0; i < k; i++)
			l->acks += is_ack[i];

		if (sfg_stop_tx) {
			if (stop_at == 0)
				stop_at = now + sfg_hz * opt.drain_ms / 1000;
			if (now >= stop_at)
				break;
			continue;
		}
		/*
		 * SYNs the tx queue refused wait for room (a full queue is
		 * back-pressure, not loss); new ones are built only after.
		 */
		if (npend != 0) {
			l->tx_syn += sfg_tx_pending(opt.port, q, pend, &npend);
			l->tx_busy += npend;
			if (npend != 0)
				continue;
		}
		/* SYNs, paced by the TSC when a rate is set. */
		want = opt.burst;
		left = l->quota - l->tx_syn - l->nombuf;
		if (left < want)
			want = (unsigned int)left;
		if (want == 0)
			continue;
		if (l->gap > 0) {
			if ((double)now < next)
				continue;
			/* Behind by over 1 ms: the port cannot keep up;
			 * do not burst to catch up. */
			if ((double)now - next > (double)sfg_hz / 1000)
				next = (double)now;
			next += l->gap * want;
		}
		if (rte_pktmbuf_alloc_bulk(sfg_pool, pend, want) != 0) {
			l->nombuf += want;
			continue;
		}
		for (i = 0; i < want; i++) {
			uint64_t r = sfg_rand(&l->rnd);

			sfg_syn_make(&sfg_tmpl, pend[i], (uint32_t)r,
				sfg_sport(&sfg_tmpl, (uint32_t)(r >> 32)),
				(uint32_t)sfg_rand(&l->rnd),
				(uint32_t)(rte_rdtsc() >> SFG_TS_SHIFT));
		}
		npend = want;
	}
	/* Stopped: SYNs still waiting are not sent. */
	if (npend != 0)
		rte_pktmbuf_free_bulk(pend, npend);
	return 0;
}

/* Totals over the lcores. */
struct sfg_total {
	uint64_t tx_syn, tx_ack, tx_busy, ans_full, nombuf, rx, acks;
	uint64_t last_synack;
	struct sfg_rx_stats st;
};

static void
sfg_sum(struct sfg_total *t)
{
	unsigned int lc;

	memset(t, 0, sizeof(*t));
	RTE_LCORE_FOREACH(lc) {
		const struct sfg_lcore *l = &sfg_lc[lc];

		t->tx_syn += l->tx_syn;
		t->tx_ack += l->tx_ack;
		t->tx_busy += l->tx_busy;
		t->ans_full += l->ans_full;
		t->nombuf += l->nombuf;
		t->rx += l->rx;
		t->acks += l->acks;
		if (l->last_synack > t->last_synack)
			t->last_synack = l->last_synack;
		t->st.synack += l->st.synack;
		t->st.after += l->st.after;
		t->st.fin += l->st.fin;
		t->st.rst += l->st.rst;
		t->st.ack += l->st.ack;
		t->st.other += l->st.other;
		t->st.no_ts += l->st.no_ts;
		t->st.nombuf += l->st.nombuf;
		t->st.resp_2xx += l->st.resp_2xx;
		t->st.resp_other += l->st.resp_other;
	}
}

static void
sfg_progress(const struct sfg_total *t, const struct sfg_total *p,
		double dt, double at)
{
	printf("gen: %6.1fs  syn %8.3f Mpps  synack %8.3f Mpps  "
		"answers %8.3f Mpps  | rst %" PRIu64 "  errors: lost %" PRIu64
		" nombuf %" PRIu64 " other %" PRIu64 "\n",
		at, (double)(t->tx_syn - p->tx_syn) / dt / 1e6,
		(double)(t->st.synack - p->st.synack) / dt / 1e6,
		(double)(t->tx_ack - p->tx_ack) / dt / 1e6,
		t->st.rst, t->ans_full, t->nombuf + t->st.nombuf,
		t->st.other);
	fflush(stdout);
}

/*
 * Every millisecond on the main lcore: the end of the sending phase (time,
 * count or signal) and the progress line.
 */
static void
sfg_control(uint64_t now)
{
	static struct sfg_total prev;
	struct sfg_total tot;

	sfg_run.next_ctl = now + sfg_hz / 1000;
	if (!sfg_stop_tx) {
		sfg_sum(&tot);
		if (now >= sfg_run.end_at || sfg_quit ||
		    (opt.count != 0 && tot.tx_syn + tot.nombuf >=
		     opt.count)) {
			sfg_run.stop_tsc = now;
			sfg_stop_tx = true;
		}
	}
	if (sfg_run.next_stat != 0 && now >= sfg_run.next_stat) {
		sfg_sum(&tot);
		sfg_progress(&tot, &prev,
			(double)(now - sfg_run.last) / (double)sfg_hz,
			(double)(now - sfg_run.start) / (double)sfg_hz);
		prev = tot;
		sfg_run.last = now;
		sfg_run.next_stat = now +
			(uint64_t)(opt.stats_interval * (double)sfg_hz);
	}
}

/*
 * The summary. Send rates are over the sending phase; answer rates over
 * the time from the start to the last SYN-ACK (answers still arriving
 * in the drain window count, and the window's idle tail does not).
 */
static void
sfg_json(FILE *f, const struct sfg_total *t, const struct sfg_hist *h,
		const struct sfg_hist *rh, double secs, double rx_secs,
		const struct rte_eth_stats *ps)
{
	char dst[64];
	int af = opt.pkt.family;

	inet_ntop(af, opt.pkt.dst, dst, sizeof(dst));
	if (rx_secs <= 0)
		rx_secs = secs;
	fprintf(f, "{\"mode\": \"%s\", \"family\": \"%s\", "
		"\"dst\": \"%s\", \"dport\": %u, \"lcores\": %u, "
		"\"rate_target_pps\": %.0f, \"seconds\": %.6f, "
		"\"answer_seconds\": %.6f, ",
		opt.mode == SFG_MODE_FLOOD ? "syn-flood" : "handshake",
		af == AF_INET ? "ipv4" : "ipv6", dst, opt.pkt.dport,
		rte_lcore_count(), opt.rate, secs, rx_secs);
	fprintf(f, "\"tx_syn\": %" PRIu64 ", \"tx_syn_pps\": %.0f, "
		"\"rx_synack\": %" PRIu64 ", \"rx_synack_pps\": %.0f, "
		"\"tx_answers\": %" PRIu64 ", \"handshakes_pps\": %.0f, "
		"\"tx_after\": %" PRIu64 ", \"rx_fin\": %" PRIu64 ", "
		"\"rx_rst\": %" PRIu64 ", \"rx_ack\": %" PRIu64 ", "
		"\"rx_other\": %" PRIu64 ", "
		"\"rx_no_ts\": %" PRIu64 ", \"tx_busy\": %" PRIu64 ", "
		"\"answers_lost\": %" PRIu64 ", \"nombuf\": %" PRIu64 ", ",
		t->tx_syn, (double)t->tx_syn / secs,
		t->st.synack, (double)t->st.synack / rx_secs,
		t->tx_ack, (double)t->acks / rx_secs,
		t->st.after, t->st.fin, t->st.rst, t->st.ack, t->st.other,
		t->st.no_ts,
		t->tx_busy, t->ans_full, t->nombuf + t->st.nombuf);
	fprintf(f, "\"latency_ns\": ");
	sfg_hist_json(f, h);
	fprintf(f, ", ");
	if (opt.http_req[0] != '\0') {
		fprintf(f, "\"http\": {\"resp_2xx\": %" PRIu64
			", \"resp_2xx_ps\": %.0f, \"data_other\": %" PRIu64
			", \"latency_ns\": ", t->st.resp_2xx,
			(double)t->st.resp_2xx / rx_secs, t->st.resp_other);
		sfg_hist_json(f, rh);
		fprintf(f, "}, ");
	}
	sfg_port_json(f, ps);
	fprintf(f, "}\n");
}

static void
sfg_port_json(FILE *f, const struct rte_eth_stats *ps)
{
	fprintf(f, "\"port\": {\"ipackets\": %" PRIu64
		", \"opackets\": %" PRIu64 ", \"imissed\": %" PRIu64
		", \"ierrors\": %" PRIu64 ", \"oerrors\": %" PRIu64
		", \"rx_nombuf\": %" PRIu64 "}",
		ps->ipackets, ps->opackets, ps->imissed, ps->ierrors,
		ps->oerrors, ps->rx_nombuf);
}

/* The summary of --mode transfer. */
static void
sfg_xfer_json(FILE *f, const struct sfg_xfer_res *r,
		const struct rte_eth_stats *ps)
{
	char dst[64];
	int af = opt.pkt.family;
	uint64_t want = opt.bytes * opt.conns;

	inet_ntop(af, opt.pkt.dst, dst, sizeof(dst));
	fprintf(f, "{\"mode\": \"transfer\", \"family\": \"%s\", "
		"\"dst\": \"%s\", \"dport\": %u, \"lcores\": %u, "
		"\"conns\": %u, \"bytes_per_conn\": %" PRIu64 ", "
		"\"echo\": %s, \"inflight\": %u, \"rto_ms\": %u, ",
		af == AF_INET ? "ipv4" : "ipv6", dst, opt.pkt.dport,
		rte_lcore_count(), opt.conns, opt.bytes,
		opt.echo ? "true" : "false", opt.inflight, opt.rto_ms);
	fprintf(f, "\"peer_mss\": %u, \"seg_bytes\": %u, "
		"\"peer_wscale\": %d, \"ts\": %s, ",
		r->peer_mss, r->seg_bytes, r->peer_wscale,
		r->ts ? "true" : "false");
	fprintf(f, "\"seconds\": %.6f, \"total_seconds\": %.6f, "
		"\"bytes\": %" PRIu64 ", \"gbps\": %.4f, "
		"\"all_acked\": %s, "
		"\"bytes_tx\": %" PRIu64 ", \"segs\": %" PRIu64 ", "
		"\"retrans_segs\": %" PRIu64 ", \"timeouts\": %" PRIu64 ", "
		"\"probes\": %" PRIu64 ", ",
		r->seconds, r->total_seconds, r->bytes,
		r->seconds > 0 ? (double)r->bytes * 8 / r->seconds / 1e9 : 0,
		opt.bytes != 0 && r->bytes == want ? "true" : "false",
		r->bytes_tx, r->segs, r->retrans_segs, r->timeouts,
		r->probes);
	fprintf(f, "\"echo_bytes\": %" PRIu64 ", \"echo_gbps\": %.4f, "
		"\"echo_bad\": %" PRIu64 ", \"echo_seconds\": %.6f, ",
		r->echo_bytes, r->echo_seconds > 0 ?
		(double)r->echo_bytes * 8 / r->echo_seconds / 1e9 : 0,
		r->echo_bad, r->echo_seconds);
	fprintf(f, "\"tx_syn\": %" PRIu64 ", \"syn_retrans\": %" PRIu64
		", \"rx_synack\": %" PRIu64 ", \"established\": %" PRIu64
		", \"closed\": %" PRIu64 ", \"rx_rst\": %" PRIu64 ", "
		"\"tx_acks\": %" PRIu64 ", \"tx_fin\": %" PRIu64 ", "
		"\"rx_segs\": %" PRIu64 ", \"rx_data_segs\": %" PRIu64 ", "
		"\"rx_dup_segs\": %" PRIu64 ", \"rx_other\": %" PRIu64 ", "
		"\"tx_busy\": %" PRIu64 ", \"nombuf\": %" PRIu64 ", ",
		r->tx_syn, r->syn_retrans, r->rx_synack, r->established,
		r->closed, r->rx_rst, r->tx_acks, r->tx_fin, r->rx_segs,
		r->rx_data_segs, r->rx_dup_segs, r->rx_other, r->tx_busy,
		r->nombuf);
	sfg_port_json(f, ps);
	fprintf(f, "}\n");
}

/* --mode transfer, on the one lcore; the summary. 0 or 1 (failed). */
static int
sfg_transfer(void)
{
	struct sfg_xfer_opts xo;
	struct sfg_xfer_res r;
	struct rte_eth_stats ps;
	FILE *f;
	int ret, rc = 0;

	memset(&xo, 0, sizeof(xo));
	xo.port = opt.port;
	xo.queue = 0;
	xo.pool = sfg_pool;
	xo.pkt = &opt.pkt;
	xo.tmpl = &sfg_tmpl;
	xo.conns = opt.conns;
	xo.bytes = opt.bytes;
	xo.duration = opt.duration;
	xo.drain = opt.drain_ms / 1000.0;
	xo.echo = opt.echo;
	xo.inflight = opt.inflight;
	xo.rto_ms = opt.rto_ms;
	xo.burst = opt.burst;
	xo.stats_interval = opt.stats_interval;
	xo.seed = opt.seed != 0 ? opt.seed : rte_rdtsc();
	xo.quit = &sfg_quit;
	rte_eth_stats_reset(opt.port);
	ret = sfg_xfer_run(&xo, &r);
	if (ret != 0) {
		fprintf(stderr, "synfront-gen: transfer: %s\n",
			strerror(-ret));
		return 1;
	}
	memset(&ps, 0, sizeof(ps));
	rte_eth_stats_get(opt.port, &ps);
	sfg_xfer_json(stdout, &r, &ps);
	if (opt.json != NULL) {
		f = fopen(opt.json, "w");
		if (f == NULL) {
			fprintf(stderr, "synfront-gen: --json '%s': %s\n",
				opt.json, strerror(errno));
			rc = 1;
		} else {
			sfg_xfer_json(f, &r, &ps);
			fclose(f);
		}
	}
	return rc;
}

int
main(int argc, char **argv)
{
	static struct sfg_hist hist, resp_hist;
	struct sfg_total tot;
	struct rte_eth_stats ps;
	uint64_t per, rem;
	unsigned int lc, nl, i;
	char err[160];
	double secs, rx_secs;
	int ret, rc = 0;
	FILE *f;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "synfront-gen: EAL init failed: %s\n",
			rte_strerror(rte_errno));
		return 2;
	}
	argc -= ret;
	argv += ret;
	argv[0] = (char *)"synfront-gen";
	if (sfg_parse(argc, argv) != 0) {
		rte_eal_cleanup();
		return 2;
	}
	/* Check the flows and options before touching the port. */
	if (sfg_tmpl_init(&sfg_tmpl, &opt.pkt, err, sizeof(err)) != 0) {
		fprintf(stderr, "synfront-gen: %s\n", err);
		rte_eal_cleanup();
		return 2;
	}
	signal(SIGINT, sfg_signal);
	signal(SIGTERM, sfg_signal);
	sfg_hz = rte_get_tsc_hz();
	nl = rte_lcore_count();
	if (opt.mode == SFG_MODE_TRANSFER && nl != 1) {
		fprintf(stderr, "synfront-gen: --mode transfer runs on one "
			"lcore (-l N); %u given\n", nl);
		rte_eal_cleanup();
		return 2;
	}

	if (!rte_eth_dev_is_valid_port(opt.port)) {
		fprintf(stderr, "synfront-gen: --port %u: no such port (%u "
			"available; give one with --vdev or a PCI device)\n",
			opt.port, rte_eth_dev_count_avail());
		rte_eal_cleanup();
		return 2;
	}
	sfg_pool = rte_pktmbuf_pool_create("sfg_pool",
		nl * (2 * SFG_RING_DESC + 4 * SFG_MAX_BURST) + 4096,
		SFG_MBUF_CACHE, 0, RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (sfg_pool == NULL) {
		fprintf(stderr, "synfront-gen: mbuf pool: %s\n",
			rte_strerror(rte_errno));
		rte_eal_cleanup();
		return 1;
	}
	ret = sfg_port_init(opt.port, (uint16_t)nl);
	if (ret != 0) {
		fprintf(stderr, "synfront-gen: port %u setup: %s\n", opt.port,
			strerror(-ret));
		rc = 1;
		goto out;
	}
	rte_eth_macaddr_get(opt.port, &opt.pkt.src_mac);
	if (!sfg_link_up(opt.port, opt.link_wait_s)) {
		fprintf(stderr, "synfront-gen: port %u: link down after %u s "
			"(is the peer running?)\n", opt.port,
			opt.link_wait_s);
		rc = 1;
		goto stop;
	}
	if (!opt.have_mac && sfg_resolve(&opt.pkt) != 0) {
		fprintf(stderr, "synfront-gen: no %s answer from the target "
			"in 3 s; give --dst-mac\n",
			opt.pkt.family == AF_INET ? "ARP" :
			"neighbour discovery");
		rc = 1;
		goto stop;
	}
	/* Again, with the MACs now known; it passed once, it passes now. */
	sfg_tmpl_init(&sfg_tmpl, &opt.pkt, err, sizeof(err));
	if (opt.mode == SFG_MODE_TRANSFER) {
		rc = sfg_transfer();
		goto wait_peer;
	}

	per = opt.count / nl;
	rem = opt.count % nl;
	i = 0;
	RTE_LCORE_FOREACH(lc) {
		struct sfg_lcore *l = &sfg_lc[lc];

		l->queue = (uint16_t)i;
		l->quota = opt.count == 0 ? UINT64_MAX :
			per + (i < rem ? 1 : 0);
		l->gap = opt.rate > 0 ? (double)sfg_hz * nl / opt.rate : 0;
		l->rnd = (opt.seed != 0 ? opt.seed : rte_rdtsc()) *
			(2 * i + 1) + 0x9e3779b97f4a7c15ULL;
		i++;
	}
	rte_eth_stats_reset(opt.port);
	sfg_run.start = sfg_run.last = rte_rdtsc();
	sfg_run.end_at = sfg_run.start +
		(uint64_t)(opt.duration * (double)sfg_hz);
	sfg_run.next_stat = opt.stats_interval > 0 ? sfg_run.start +
		(uint64_t)(opt.stats_interval * (double)sfg_hz) : 0;
	RTE_LCORE_FOREACH_WORKER(lc)
		rte_eal_remote_launch(sfg_lcore_main, &sfg_lc[lc], lc);
	sfg_lcore_main(&sfg_lc[rte_get_main_lcore()]);
	rte_eal_mp_wait_lcore();

	sfg_sum(&tot);
	RTE_LCORE_FOREACH(lc) {
		sfg_hist_merge(&hist, &sfg_lc[lc].hist);
		sfg_hist_merge(&resp_hist, &sfg_lc[lc].resp_hist);
	}
	secs = (double)(sfg_run.stop_tsc - sfg_run.start) / (double)sfg_hz;
	rx_secs = tot.last_synack > sfg_run.start ?
		(double)(tot.last_synack - sfg_run.start) / (double)sfg_hz : 0;
	memset(&ps, 0, sizeof(ps));
	rte_eth_stats_get(opt.port, &ps);
	sfg_json(stdout, &tot, &hist, &resp_hist, secs, rx_secs, &ps);
	if (opt.json != NULL) {
		f = fopen(opt.json, "w");
		if (f == NULL) {
			fprintf(stderr, "synfront-gen: --json '%s': %s\n",
				opt.json, strerror(errno));
			rc = 1;
		} else {
			sfg_json(f, &tot, &hist, &resp_hist, secs, rx_secs,
				&ps);
			fclose(f);
		}
	}
	/*
	 * With a memif peer, whoever disconnects while the other still polls
	 * risks the DPDK 22.11 memif race (the interrupt thread unmaps the
	 * regions under the polling lcore). Here nothing polls any more:
	 * let the peer stop first.
	 */
wait_peer:
	if (opt.wait_peer_s != 0) {
		fflush(stdout);
		sfg_quit = false;
		for (i = 0; i < opt.wait_peer_s * 20 && !sfg_quit; i++) {
			struct rte_eth_link link;

			if (rte_eth_link_get_nowait(opt.port, &link) == 0 &&
			    link.link_status == RTE_ETH_LINK_DOWN)
				break;
			rte_delay_ms(50);
		}
	}
stop:
	rte_eth_dev_stop(opt.port);
	rte_eth_dev_close(opt.port);
out:
	rte_mempool_free(sfg_pool);
	rte_eal_cleanup();
	return rc;
}
