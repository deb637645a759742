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
	SFB_NB_PHASES,
};

static const char *const sfb_phase_name[SFB_NB_PHASES] = {
	"cookie_syn", "cookie_ack", "stateful_syn", "stateful_ack",
};

static struct {
	unsigned int workers;
	uint32_t n;
	unsigned int runs;
	unsigned int live_ms;
	bool phase_on[SFB_NB_PHASES];
	const char *json;
	int family;
} opt = {
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
};

static struct rte_mempool *sfb_pool;
static uint16_t sfb_port;
static struct rte_ring *sfb_rx[SFB_MAX_WORKERS], *sfb_tx[SFB_MAX_WORKERS];
static struct sf_engine *sfb_eng;
static struct sfg_cfg sfb_cfg;
static void sfb_on_accept(struct sf_conn *c, const struct sf_conn_info *ci,
		void *arg);
static struct sfg_tmpl sfb_tmpl;
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
	"                  live (default: all four, no live)\n"
	"  --live-ms MS    length of the live run (default 1000)\n"
	"  --batch B       frames queued before each timed poll loop\n"
	"                  (default 1024, a NIC rx ring's worth)\n"
	"  --ipv6          IPv6 SYNs instead of IPv4\n"
	"  --json FILE     write the results there (default stdout)\n",
	prg);
	return 2;
}

static bool sfb_do_live;
static unsigned int sfb_batch = 1024;

static int
sfb_parse(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "workers", 1, NULL, 'w' }, { "n", 1, NULL, 'n' },
		{ "runs", 1, NULL, 'r' }, { "phases", 1, NULL, 'p' },
		{ "live-ms", 1, NULL, 'l' }, { "ipv6", 0, NULL, '6' },
		{ "json", 1, NULL, 'j' }, { "batch", 1, NULL, 'b' },
		{ "help", 0, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end, *tok, *save = NULL;
	unsigned long v;
	int ch, i;
	bool any = false;

	for (i = 0; i < SFB_NB_PHASES; i++)
		opt.phase_on[i] = true;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (ch) {
		case 'b':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || v == 0 ||
			    v > 65536) {
				fprintf(stderr, "sf_bench: --batch '%s': "
					"expected 1..65536\n", optarg);
				return -1;
			}
			sfb_batch = (unsigned int)v;
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
	return 0;
}

/* The net_ring port: W rx rings (ours to fill) and W tx rings. */
static int
sfb_port_init(void)
{
	struct rte_eth_conf conf;
	unsigned int i;
	char name[RTE_RING_NAMESIZE];
	int port;

	for (i = 0; i < opt.workers; i++) {
		snprintf(name, sizeof(name), "sfb_rx%u", i);
		sfb_rx[i] = rte_ring_create(name, rte_align32pow2(opt.n + 1),
			rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "sfb_tx%u", i);
		sfb_tx[i] = rte_ring_create(name, rte_align32pow2(opt.n + 1),
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

/* A fresh engine with one listener on port 80 in the given cookie mode. */
static int
sfb_engine(uint8_t syncookies)
{
	struct sf_engine_params ep;
	struct sf_port_conf pc;
	struct sf_listener_params lp;
	struct sf_addr a;
	unsigned int i;
	int rc;

	memset(&ep, 0, sizeof(ep));
	ep.nb_workers = opt.workers;
	ep.socket_id = (int)rte_socket_id();
	ep.tx_drain_us = 20;
	ep.pool = sfb_pool;
	ep.max_requests = opt.n;
	ep.max_conns = opt.n;
	ep.somaxconn = 2 * opt.n;
	sfb_eng = sf_engine_create(&ep);
	if (sfb_eng == NULL)
		return -ENOMEM;
	memset(&pc, 0, sizeof(pc));
	rte_eth_macaddr_get(sfb_port, &pc.mac);
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
					    &tsecr, &is_synack, &st) != 1) {
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

/* Run one phase on all workers; the main lcore is worker 0. */
static int
sfb_run_phase(struct sfb_res *res)
{
	unsigned int i;
	uint64_t busy = 0, frames = 0, slowest = 0;

	sfb_go = 0;
	for (i = 0; i < opt.workers; i++)
		sfb_wk[i].err = 0;
	for (i = 1; i < opt.workers; i++)
		rte_eal_remote_launch(sfb_worker_run, (void *)(uintptr_t)i,
			sfb_lcore_of[i]);
	__atomic_store_n(&sfb_go, 1, __ATOMIC_RELEASE);
	sfb_worker_run((void *)(uintptr_t)0);
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

	rc = sfb_engine(cookie ? 2 : 0);
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

	rc = sfb_engine(2);
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
		unsigned int n, const double *offered)
{
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
		fprintf(f, "}");
		valid = valid && r[i].valid;
	}
	fprintf(f, "], \"median_mpps\": %.4f, \"median_cycles_per_pkt\": "
		"%.1f, \"valid\": %s}", sfb_median(r, n, false),
		sfb_median(r, n, true), valid ? "true" : "false");
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
	fprintf(f, "  \"memory\": {\"request_struct_bytes\": %zu, "
		"\"conn_struct_bytes\": %zu, \"flow_key_bytes\": %zu, "
		"\"request_total_bytes\": %.1f, \"conn_total_bytes\": %.1f, "
		"\"mbuf_bytes\": %u}",
		sizeof(struct sf_req), sizeof(struct sf_conn),
		sizeof(struct sf_flow_key), per_req, per_conn,
		sfb_pool->elt_size + sfb_pool->header_size +
		sfb_pool->trailer_size);
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
	for (i = 0; i < opt.workers; i++) {
		sfb_wk[i].saved = calloc(opt.n, sizeof(struct rte_mbuf *));
		if (sfb_wk[i].saved == NULL) {
			rc = 1;
			goto out;
		}
	}

	for (run = 0; run < opt.runs && rc == 0; run++) {
		if (opt.phase_on[SFB_COOKIE_SYN])
			rc = sfb_run_mode(true, run);
		if (rc == 0 && opt.phase_on[SFB_STATEFUL_SYN])
			rc = sfb_run_mode(false, run);
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
			opt.runs, NULL);
	}
	if (sfb_do_live) {
		fprintf(f, "%s", ret++ ? ",\n" : "");
		sfb_json_phase(f, "live_cookie_syn", sfb_live, opt.runs,
			sfb_live_offered);
	}
	fprintf(f, "\n  },\n");
	sfb_memory(f);
	fprintf(f, ",\n  \"mbufs_in_use_at_end\": %u\n}\n",
		rte_mempool_in_use_count(sfb_pool));
	if (f != stdout)
		fclose(f);
	if (rte_mempool_in_use_count(sfb_pool) != 0) {
		fprintf(stderr, "sf_bench: %u mbufs not back in the pool\n",
			rte_mempool_in_use_count(sfb_pool));
		rc = 1;
	}
out:
	rte_eth_dev_stop(sfb_port);
	rte_eth_dev_close(sfb_port);
	rte_mempool_free(sfb_pool);
	rte_eal_cleanup();
	return rc;
}
