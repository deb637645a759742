/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * sf_reorder: a bounded packet reorderer for the end-to-end tests, where
 * the kernel has no sch_netem. An iptables rule sends what it matches to
 * an NFQUEUE queue (use --queue-bypass on the rule, so that traffic still
 * flows when this tool is not running); sf_reorder binds that queue in
 * whatever network namespace it runs in and gives every packet its
 * verdict, NF_ACCEPT always, but not always in arrival order: every Nth
 * packet (--every) is held back and accepted only after the next K
 * packets (--after) have been accepted, so it leaves K places late. A
 * held packet is released after --hold-ms anyway when fewer than K more
 * packets come, so nothing is held for ever. nfqueue allows verdicts in
 * any order: they name the packet by its id.
 *
 * Packets are copied to user space without their payload (NFQNL_COPY_META)
 * and the queue fails open (NFQA_CFG_F_FAIL_OPEN): when the queue or the
 * socket buffer is full the kernel accepts the packet rather than drop it
 * (the tests add loss on purpose, elsewhere). GSO packets are segmented by
 * the kernel before they are queued: each queued packet is one segment.
 *
 * It is always bounded: it stops on SIGTERM or SIGINT, after
 * --max-packets packets (0: no limit) or after --timeout seconds
 * (required, at most 3600), whichever comes first. On the way out it
 * accepts whatever it still holds and whatever is already waiting on
 * its socket, then unbinds the queue (the kernel drops packets still in
 * a queue that is destroyed: the drain keeps that window short), and
 * prints one JSON line:
 *   {"queue": Q, "seen": N, "held": H, "reordered": R,
 *    "released_timeout": T, "released_exit": E, "errors": X,
 *    "seconds": S}
 * seen: packets that got a verdict from us; held: packets held back;
 * reordered: held packets released after K later packets had been
 * accepted (each left K places late); released_timeout: after --hold-ms
 * with fewer than K later packets (late, by fewer places or none);
 * released_exit: at the stop; errors: failed recv or verdict calls.
 *
 * Exit status: 0 after a clean stop, 1 on a usage error, 2 when the queue
 * cannot be bound (no CAP_NET_ADMIN, no nfnetlink_queue, or the queue
 * number taken by another process).
 *
 * Only libnetfilter_queue and libc; built by test/tools/meson.build when
 * the library is found, never installed.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#define SF_PRG "sf_reorder"

#define SF_HELD_MAX      256        /* packets held at once, at most */
#define SF_TIMEOUT_MAX   3600       /* --timeout bound, seconds */
#define SF_HOLD_MS_MAX   10000
#define SF_QUEUE_MAXLEN  4096       /* kernel queue length */
#define SF_RCVBUF        (8u << 20) /* socket receive buffer, bytes */
#define SF_BUF           65536      /* one recv, bytes (metadata only) */

struct sf_reorder_conf {
	unsigned int queue;         /* NFQUEUE queue number */
	unsigned int every;         /* hold every Nth packet */
	unsigned int after;         /* ... until K later ones are accepted */
	unsigned int hold_ms;       /* ... or at most this long */
	uint64_t max_packets;       /* stop after this many (0: no limit) */
	unsigned int timeout;       /* stop after this many seconds */
	bool quiet;
};

/* One packet held back. */
struct sf_held {
	uint32_t id;                /* nfqueue packet id */
	unsigned int left;          /* later packets still to accept */
	uint64_t deadline_ns;       /* release by then anyway */
};

struct sf_reorder {
	const struct sf_reorder_conf *conf;
	struct nfq_q_handle *qh;
	struct sf_held held[SF_HELD_MAX];
	unsigned int n_held;
	uint64_t seen;
	uint64_t n_hold;            /* packets ever held */
	uint64_t reordered;
	uint64_t released_timeout;
	uint64_t released_exit;
	uint64_t errors;
};

static volatile sig_atomic_t sf_stop;

static void
sf_on_signal(int sig)
{
	(void)sig;
	sf_stop = 1;
}

static uint64_t
sf_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void
sf_usage(FILE *f)
{
	fprintf(f,
"usage: " SF_PRG " --queue Q --timeout S [--every N] [--after K]\n"
"                  [--hold-ms MS] [--max-packets N] [--quiet]\n"
"\n"
"Binds NFQUEUE queue Q (needs CAP_NET_ADMIN) and accepts every packet,\n"
"but holds every Nth back until K later ones have been accepted.\n"
"  --queue Q          required: the queue number, 0-65535\n"
"  --timeout S        required: stop after S seconds, 1-%d\n"
"  --every N          hold every Nth packet, 1-1000000 (default 23)\n"
"  --after K          release it after K later packets, 1-%d (default 3)\n"
"  --hold-ms MS       or after MS milliseconds, 1-%d (default 20)\n"
"  --max-packets N    stop after N packets (0: no limit, default)\n"
"  --quiet            no messages on stderr, only the JSON result\n"
"\n"
"Stops on SIGTERM/SIGINT too; releases what it holds, prints one JSON\n"
"line {\"queue\", \"seen\", \"held\", \"reordered\", \"released_timeout\",\n"
"\"released_exit\", \"errors\", \"seconds\"}.\n"
"Exit: 0 clean stop, 1 usage error, 2 queue not bound.\n",
		SF_TIMEOUT_MAX, SF_HELD_MAX, SF_HOLD_MS_MAX);
}

/* Parses an unsigned decimal in [min, max] or exits 1. */
static uint64_t
sf_num(const char *opt, const char *s, uint64_t min, uint64_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
		fprintf(stderr, SF_PRG ": bad value '%s' for --%s: expected "
			"%" PRIu64 "-%" PRIu64 "\n", s, opt, min, max);
		fprintf(stderr, "Try '" SF_PRG " --help'.\n");
		exit(1);
	}
	return v;
}

static void
sf_parse(int argc, char **argv, struct sf_reorder_conf *c)
{
	static const struct option longopts[] = {
		{ "queue", required_argument, NULL, 'q' },
		{ "timeout", required_argument, NULL, 't' },
		{ "every", required_argument, NULL, 'e' },
		{ "after", required_argument, NULL, 'a' },
		{ "hold-ms", required_argument, NULL, 'm' },
		{ "max-packets", required_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'Q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool have_queue = false, have_timeout = false;
	int o;

	*c = (struct sf_reorder_conf){ .every = 23, .after = 3,
				       .hold_ms = 20 };
	while ((o = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (o) {
		case 'q':
			c->queue = sf_num("queue", optarg, 0, 65535);
			have_queue = true;
			break;
		case 't':
			c->timeout = sf_num("timeout", optarg, 1,
					    SF_TIMEOUT_MAX);
			have_timeout = true;
			break;
		case 'e':
			c->every = sf_num("every", optarg, 1, 1000000);
			break;
		case 'a':
			c->after = sf_num("after", optarg, 1, SF_HELD_MAX);
			break;
		case 'm':
			c->hold_ms = sf_num("hold-ms", optarg, 1,
					    SF_HOLD_MS_MAX);
			break;
		case 'n':
			c->max_packets = sf_num("max-packets", optarg, 0,
						UINT64_MAX);
			break;
		case 'Q':
			c->quiet = true;
			break;
		case 'h':
			sf_usage(stdout);
			exit(0);
		default:
			fprintf(stderr, "Try '" SF_PRG " --help'.\n");
			exit(1);
		}
	}
	if (optind < argc) {
		fprintf(stderr, SF_PRG ": unexpected argument: %s\n",
			argv[optind]);
		exit(1);
	}
	if (!have_queue || !have_timeout) {
		fprintf(stderr, SF_PRG ": --queue and --timeout are required\n");
		fprintf(stderr, "Try '" SF_PRG " --help'.\n");
		exit(1);
	}
}

static void
sf_accept(struct sf_reorder *r, uint32_t id)
{
	if (nfq_set_verdict(r->qh, id, NF_ACCEPT, 0, NULL) < 0)
		r->errors++;
}

/* Releases held packet i (accepts it) and removes it from the list. */
static void
sf_release(struct sf_reorder *r, unsigned int i)
{
	sf_accept(r, r->held[i].id);
	r->held[i] = r->held[--r->n_held];
}

/* A packet was accepted: held packets are one place further behind. */
static void
sf_count_passed(struct sf_reorder *r)
{
	unsigned int i = 0;

	while (i < r->n_held) {
		if (--r->held[i].left == 0) {
			r->reordered++;
			sf_release(r, i);
		} else {
			i++;
		}
	}
}

/* Releases the packets held past their deadline; returns the time to
 * the next deadline in ms (-1: nothing held). */
static int
sf_expire(struct sf_reorder *r, uint64_t now)
{
	uint64_t next = UINT64_MAX;
	unsigned int i = 0;

	while (i < r->n_held) {
		if (r->held[i].deadline_ns <= now) {
			r->released_timeout++;
			sf_release(r, i);
		} else {
			if (r->held[i].deadline_ns < next)
				next = r->held[i].deadline_ns;
			i++;
		}
	}
	if (next == UINT64_MAX)
		return -1;
	return (int)((next - now + 999999) / 1000000);
}

static int
sf_on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg,
	     struct nfq_data *nfa, void *data)
{
	struct sf_reorder *r = data;
	struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
	uint32_t id;

	(void)qh;
	(void)msg;
	if (ph == NULL) {
		r->errors++;
		return 0;
	}
	id = ntohl(ph->packet_id);
	r->seen++;
	/* Stopping (or the hold list full): accept at once. */
	if (!sf_stop && r->seen % r->conf->every == 0 &&
	    r->n_held < SF_HELD_MAX) {
		r->held[r->n_held++] = (struct sf_held){
			.id = id, .left = r->conf->after,
			.deadline_ns = sf_now_ns() +
				(uint64_t)r->conf->hold_ms * 1000000ULL };
		r->n_hold++;
		return 0;
	}
	sf_accept(r, id);
	sf_count_passed(r);
	return 0;
}

/* Reads and handles what is on the socket without waiting; returns the
 * number of messages handled. */
static unsigned int
sf_drain(struct nfq_handle *h, struct sf_reorder *r, char *buf)
{
	unsigned int n = 0;

	for (;;) {
		ssize_t len = recv(nfq_fd(h), buf, SF_BUF, MSG_DONTWAIT);

		if (len < 0) {
			if (errno == EINTR)
				continue;
			/* ENOBUFS: messages lost on a full socket buffer;
			 * the queue fails open, those packets went on. */
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				r->errors++;
			if (errno == ENOBUFS)
				continue;
			return n;
		}
		if (len == 0)
			return n;
		nfq_handle_packet(h, buf, (int)len);
		n++;
		if (r->conf->max_packets && r->seen >= r->conf->max_packets)
			sf_stop = 1;
	}
}

int
main(int argc, char **argv)
{
	static char buf[SF_BUF] __attribute__((aligned));
	struct sf_reorder_conf conf;
	struct sf_reorder r = { .conf = &conf };
	struct sigaction sa = { .sa_handler = sf_on_signal };
	struct nfq_handle *h;
	uint64_t start, end;
	int rc = 0;

	sf_parse(argc, argv, &conf);
	/* No SA_RESTART: poll() returns EINTR on a signal. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	h = nfq_open();
	if (h == NULL) {
		fprintf(stderr, SF_PRG ": nfq_open: %s\n", strerror(errno));
		return 2;
	}
	/* Needed only by kernels before 3.8; harmless after. */
	(void)nfq_bind_pf(h, AF_INET);
	(void)nfq_bind_pf(h, AF_INET6);
	r.qh = nfq_create_queue(h, (uint16_t)conf.queue, sf_on_packet, &r);
	if (r.qh == NULL) {
		fprintf(stderr, SF_PRG ": cannot bind queue %u: %s\n",
			conf.queue, strerror(errno));
		nfq_close(h);
		return 2;
	}
	if (nfq_set_mode(r.qh, NFQNL_COPY_META, 0) < 0 ||
	    nfq_set_queue_maxlen(r.qh, SF_QUEUE_MAXLEN) < 0 ||
	    nfq_set_queue_flags(r.qh, NFQA_CFG_F_FAIL_OPEN,
				NFQA_CFG_F_FAIL_OPEN) < 0) {
		fprintf(stderr, SF_PRG ": configuring queue %u: %s\n",
			conf.queue, strerror(errno));
		nfq_destroy_queue(r.qh);
		nfq_close(h);
		return 2;
	}
	nfnl_rcvbufsiz(nfq_nfnlh(h), SF_RCVBUF);
	if (!conf.quiet)
		fprintf(stderr, SF_PRG ": queue %u bound: every %u held "
			"until %u later (or %u ms)\n", conf.queue, conf.every,
			conf.after, conf.hold_ms);

	start = sf_now_ns();
	end = start + (uint64_t)conf.timeout * 1000000000ULL;
	while (!sf_stop) {
		uint64_t now = sf_now_ns();
		struct pollfd pfd = { .fd = nfq_fd(h), .events = POLLIN };
		int wait_ms, hold_ms;

		if (now >= end)
			break;
		hold_ms = sf_expire(&r, now);
		wait_ms = (int)((end - now + 999999) / 1000000);
		if (hold_ms >= 0 && hold_ms < wait_ms)
			wait_ms = hold_ms;
		if (poll(&pfd, 1, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, SF_PRG ": poll: %s\n",
				strerror(errno));
			rc = 2;
			break;
		}
		if (pfd.revents)
			sf_drain(h, &r, buf);
	}
	/* The way out: accept what is held, then what is waiting, then
	 * unbind. sf_stop makes the callback accept at once. */
	sf_stop = 1;
	while (r.n_held) {
		r.released_exit++;
		sf_release(&r, 0);
	}
	sf_drain(h, &r, buf);
	nfq_destroy_queue(r.qh);
	nfq_close(h);

	printf("{\"queue\": %u, \"seen\": %" PRIu64 ", \"held\": %" PRIu64
	       ", \"reordered\": %" PRIu64 ", \"released_timeout\": %" PRIu64
	       ", \"released_exit\": %" PRIu64 ", \"errors\": %" PRIu64
	       ", \"seconds\": %.3f}\n", conf.queue, r.seen, r.n_hold,
	       r.reordered, r.released_timeout, r.released_exit, r.errors,
	       (double)(sf_now_ns() - start) / 1e9);
	fflush(stdout);
	return rc;
}
