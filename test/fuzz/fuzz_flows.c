/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * libFuzzer harness for state: each input is a small program that plays a
 * few flows against a fresh engine, so a SYN, its third ACK and the
 * segments that follow meet in one input (fuzz_rx sees one frame per
 * input, and only stumbles on a flow's earlier state when two inputs share
 * a 4-tuple). The harness plays the peer's side of each flow: it learns our
 * ISS and next sequence number from the segments the engine sends (the
 * in-place reply and the frames of the tx hook), so its records name
 * sequence and acknowledgment numbers relative to what a real peer would
 * send, and the fuzzer reaches the third ACK, data, FIN and RST handling,
 * the accept queue and the timers without guessing 32-bit numbers.
 *
 * A flow is passive (the peer is a client of our listeners) or active: the
 * engine opens the connection (sf_engine_connect(), as a callback on the
 * worker would) to the peer's port 8080 + k, and the records play the
 * server, from the SYN the engine sent (its ISS, local port and TSval, as
 * a passive flow learns them from the SYN-ACK): SYN-ACKs with the options
 * and flags fuzzed, RSTs, ICMP errors about the SYN, data, and time for
 * the SYN's retransmission and its end.
 *
 * Input: a 5-byte header, then records until the input ends.
 *
 *   header[0] bit 0     flows 0-2 IPv6 (flow 3 is the other family)
 *             bits 1-2  syncookies of listener 80 (0, 1, 2; 3: 1)
 *             bit 3     SYNs offer timestamps
 *             bit 4     SYNs offer SACK and window scaling
 *             bit 5     listener 80 defers bare third ACKs (1 s)
 *             bit 6     listener 80 resets on accept-queue overflow
 *             bit 7     listener 80 answers without TS/SACK/ECN
 *   header[1] bits 0-1  listener 80 backlog (0, 1, 4, 16)
 *             bits 2-3  listener 80 SYN backlog (4, 8, 16, 64)
 *             bits 4-5  on_accept: hold (and send 5000 bytes: the
 *                       sender, its queue, retransmissions and SACK
 *                       recovery meet the records' ACKs), close,
 *                       reset, never accept
 *             bits 6-7  on_close: NULL, reset on FIN, close on FIN, hold
 *                       (of our opens: close on FIN for NULL, which they
 *                       cannot have)
 *   header[2] bits 0-2  synack_retries of listener 80
 *             bits 3-4  syn_retries of our opens (the engine's 6, 1, 2, 3)
 *             bit 5     their first SYN timeout 100 ms (else 1 s)
 *             bit 6     local ports 50000-50003 only, and TIME-WAIT reuse:
 *                       opens run out of ports and take old tuples
 *             bit 7     the peer's MAC is unknown at start: SYNs wait for
 *                       ARP/ND, which the peer answers at the first SYN
 *                       record of an active flow
 *   header[3] bits 0-3  engine: max_requests and max_conns 4 << (v & 3),
 *                       bit 2 TIME-WAIT 100 ms, bit 3 drop segments to
 *                       ports nobody listens on
 *             bits 4-5  on_data of listener 80 and of our opens: none
 *                       (ours read only), read every byte and send it
 *                       back (echo), close, reset
 *             bit 6     our opens ask for local port 50010 + k: another
 *                       open of the flow finds its tuple taken (or in
 *                       TIME-WAIT)
 *             bit 7     our opens name our address (not the route's)
 *   header[4] bits 0-1  active flows: none, 3, 2-3, 1-3; each opens one
 *                       connection at the start
 *             bits 2-3  on_connected: hold (and send 5000 bytes), hold,
 *                       close, reset
 *             bit 4     our SYNs offer no timestamps
 *             bit 5     nor SACK, and window scale 0
 *             bit 6     ECN-setup SYNs
 *             bit 7     an open that failed (refused, unreachable, timed
 *                       out) opens again from its on_close, as a client
 *                       that retries
 *
 * Records (op byte: bits 0-2 kind, bits 3-4 flow k, bits 5-7 argument a):
 *   0 SEG     flags, dseq, dack (int8, * 4096 if a bit 0), dlen, opts,
 *             then dlen data bytes if a bit 1; a bit 2 spoils the checksum.
 *             seq = the flow's next + dseq, ack = our next + dack. (On an
 *             active flow before its SYN-ACK the flow's next is its ISN:
 *             flags SYN|ACK, dseq 0 and dack 0 are a SYN-ACK.)
 *   1 SYN     a fresh SYN of flow k (a bit 0: a new ISN, past the old
 *             one, as a reused port would send; a bits 1-2: MSS 536,
 *             1460, 9000, none). Active flow: the server's SYN-ACK to our
 *             SYN (a bit 0: its TSecr none of our TSvals; a bits 1-2:
 *             <MSS 1460, SACK-permitted, TS, WS 7>, <MSS 536, TS> and a
 *             zero window, no options, all with MSS 9000, WS 14, ECE and
 *             a window of 1000, less than one unit of the scale)
 *   2 ACK     an in-window ACK: data of 0, 1, 536 or 1400 bytes (a bits
 *             0-1), FIN if a bit 2
 *   3 CLOCK   one byte b: the clock moves (b + 1) * unit[a] ms (1 ms to
 *             200 s; 600 s in all per input: the timer wheel walks each
 *             tick while a timer is armed, and longer jumps only slowed
 *             the fuzzer down, 10 min being past every timer and cookie)
 *   4 APP     flow k's application closes (a bit 0 clear) or resets
 *             its connection, if it holds a live one (of an active flow
 *             in SYN-SENT: gives the open up)
 *   5 ICMP    type byte, dseq (int8): an ICMP error quoting flow k's
 *             segment from us with seq = our ISS + dseq (a bits 0-1:
 *             unreachable, fragmentation needed / too big, time
 *             exceeded, parameter problem; the type byte picks the code)
 *   6 FLOOD   (a + 1) * 4 SYNs from other ports of the peer to flow k's
 *             listener: fills the SYN queue and tables (cookie mode 1).
 *             Active flow: a + 1 more opens to its server port, the flow
 *             following the last
 *   7 RAW     length byte n, then n bytes sent as a frame (Ethernet
 *             addresses forced to the peer's and the port's)
 *
 * Flows 0 and 1 go to listener 80 (settings above), flow 2 to listener 81
 * (always cookies, deferred accept, on_close resets on FIN), flow 3 to
 * listener 80 in the other family. Every frame the engine sends is checked
 * as the unit tests check them (checksums, lengths, addresses, TTL); a bad
 * one aborts. Each input gets a new engine, freed at its end, after which
 * every mbuf must be back in the pool.
 *
 * Our opens are followed as their application sees them, and the harness
 * aborts when: a callback comes for a connection after its end (on_close
 * other than for the peer's FIN, or the application's reset, or its close
 * in SYN-SENT, which tells nothing), on_connected comes twice, or while
 * the open is being made, or with a handle, ISS or ports not its own;
 * on_close tells the peer's FIN twice or before the connection was
 * established, or a refusal after; a connection leaves SYN-SENT without
 * on_connected, or its slot is freed (or taken by another) without
 * on_close; or, once the engine is freed, one that began was never told
 * its end.
 *
 * Cookie secret and cookie wall clock are fixed, the clock is the
 * harness's, and DPDK's random generator is seeded the same for every
 * input (hash seeds, local ports, neighbour timers), so inputs replay; our
 * ISS (from the TSC) stays random, which the records never see.
 *
 * FUZZ_FLOWS_STATS=1 prints, at exit, the engine counters summed over the
 * inputs run (handshakes completed, cookies, ...), to check depth.
 */

#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_random.h>
#include <rte_tcp.h>

#include "sf_engine_pvt.h"
#include "sf_neigh.h"
#include "sf_test.h"

#define FF_FLOWS 4
#define FF_WALL0 1700000000000ull
#define FF_CLOCK_STEP_MAX 200000  /* ms */
#define FF_CLOCK_MAX 600000       /* ms in all, per input */
#define FF_RPORT 8080             /* the server port of active flow k: + k */
#define FF_ACTS 32                /* our opens per input, at most */
#define FF_SEED 0x5f666c6f7773ull /* DPDK's generator, every input */

/* One connection we opened, as its application follows it. */
struct ff_act {
	struct sf_conn *fa_c;
	uint32_t fa_gen;          /* cn_gen of fa_c */
	uint32_t fa_iss;
	uint16_t fa_rport;        /* the server's port */
	uint16_t fa_lport;        /* ours */
	uint8_t fa_flow;
	bool fa_opening;          /* inside sf_engine_connect() */
	bool fa_connected;        /* on_connected came */
	bool fa_peer_fin;         /* on_close told the peer's FIN */
	bool fa_closed;           /* on_close told the end */
	bool fa_gone;             /* the application reset or gave it up */
};

/* One client flow as the peer sees it. */
struct ff_flow {
	struct sf_test_tcp ff_t;  /* addresses, ports */
	uint32_t ff_isn;          /* the client's ISN */
	uint32_t ff_snd_nxt;      /* the client's next sequence number */
	uint32_t ff_iss;          /* ours, from the SYN-ACK */
	uint32_t ff_rcv_nxt;      /* what the client acknowledges */
	uint32_t ff_tsval;
	uint32_t ff_tsecr;        /* our last TSval */
	bool ff_syn;              /* a SYN was sent */
	bool ff_ts;               /* it offered timestamps */
	struct sf_conn *ff_conn;  /* accepted and held by the application */
	uint32_t ff_gen;          /* cn_gen of ff_conn */
	bool ff_active;           /* we open it: the records play the server */
	struct ff_act *ff_act;    /* the open the records follow */
};

/* State of the input being run. */
static struct {
	struct sf_engine *eng;
	struct sf_worker *w;
	struct ff_flow fl[FF_FLOWS];
	uint32_t now;
	uint8_t on_accept;        /* header[1] bits 4-5 */
	uint8_t on_close;         /* header[1] bits 6-7 */
	uint8_t on_data;          /* header[3] bits 4-5 */
	uint64_t data_sum;        /* of the bytes on_data read */
	uint16_t flood_port;
	struct sf_connect_params cp;  /* of our opens (but the port) */
	struct ff_act act[FF_ACTS];
	unsigned int nact;
	uint8_t on_connected;     /* header[4] bits 2-3 */
	bool act_ts;              /* our SYNs offer timestamps */
	bool act_retry;           /* header[4] bit 7 */
	bool act_lport;           /* header[3] bit 6 */
	bool act_laddr;           /* header[3] bit 7 */
	bool neigh_wait;          /* the peer's MAC is still unknown */
} ff;

static struct rte_mempool *pool;
static bool stats;
static uint64_t stats_sum[SF_CNT_MAX];
static unsigned long stats_inputs;
static const uint8_t ff_secret[16] = "fuzz_flows_key!";
static const uint8_t ff_port_secret[16] = "fuzz_flows_port";
static const uint8_t ff_router4[4] = { 10, 10, 0, 254 };
static const uint8_t ff_router6[16] = {
	0xfd, 0x00, 0x00, 0x10, 0x00, 0x10, [15] = 0xfe
};

static uint64_t
ff_wall_ms(void)
{
	return FF_WALL0 + ff.now;
}

static struct ff_flow *
ff_flow_of_port(uint16_t port)
{
	unsigned int k;

	for (k = 0; k < FF_FLOWS; k++)
		if (ff.fl[k].ff_t.sport == port)
			return &ff.fl[k];
	return NULL;
}

/*
 * A frame the engine sent: check it as the unit tests do, and let the
 * client of its flow learn our ISS, next sequence number and TSval.
 */
static void
ff_learn(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eh;
	struct sf_test_seg s;
	struct ff_flow *f;
	uint16_t type;
	uint32_t end;
	int before = sf_test_failures;

	if (rte_pktmbuf_data_len(m) < sizeof(*eh) + 20)
		return;
	eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	type = rte_be_to_cpu_16(eh->ether_type);
	/* TCP only (ARP, ICMP and ND replies are fuzz_rx's), no VLAN. */
	if (type == RTE_ETHER_TYPE_IPV4) {
		if (rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
				sizeof(*eh))->next_proto_id != IPPROTO_TCP)
			return;
	} else if (type == RTE_ETHER_TYPE_IPV6) {
		if (rte_pktmbuf_data_len(m) < sizeof(*eh) + 40 ||
		    rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *,
				sizeof(*eh))->proto != IPPROTO_TCP)
			return;
	} else {
		return;
	}
	if (!SF_TEST_TCP_PARSE(m, &s) || sf_test_failures != before) {
		fprintf(stderr, "fuzz_flows: the engine sent a bad segment\n");
		abort();
	}
	f = ff_flow_of_port(s.dport);
	if (f == NULL || (s.flags & RTE_TCP_RST_FLAG))
		return;
	if (f->ff_active) {
		/*
		 * The SYN of the open being made names its local port
		 * (ff_act_open() clears it first); segments of the flow's
		 * earlier opens, still there, are not the ones it follows.
		 */
		if (f->ff_t.dport == 0 && (s.flags & (RTE_TCP_SYN_FLAG |
				RTE_TCP_ACK_FLAG)) == RTE_TCP_SYN_FLAG)
			f->ff_t.dport = s.sport;
		if (s.sport != f->ff_t.dport)
			return;
	}
	if (s.flags & RTE_TCP_SYN_FLAG) {
		f->ff_iss = s.seq;
		f->ff_rcv_nxt = s.seq + 1;
	}
	end = s.seq + s.data_len + !!(s.flags & RTE_TCP_SYN_FLAG) +
		!!(s.flags & RTE_TCP_FIN_FLAG);
	if ((int32_t)(end - f->ff_rcv_nxt) > 0)
		f->ff_rcv_nxt = end;
	if (s.opts.to_flags & SF_TOF_TS)
		f->ff_tsecr = s.opts.to_tsval;
}

/* Frames the engine originates: retransmissions, FINs, RSTs. */
static void
ff_tx_hook(struct sf_net *nt, uint16_t port_id, struct rte_mbuf *m)
{
	RTE_SET_USED(nt);
	RTE_SET_USED(port_id);
	ff_learn(m);
	rte_pktmbuf_free(m);
}

/* What a held connection sends. */
static uint8_t ff_bytes[5000];

static void
ff_on_accept(struct sf_conn *c, const struct sf_conn_info *ci, void *arg)
{
	struct ff_flow *f = ff_flow_of_port(ci->remote_port);
	struct sf_conn_info ci2;

	/* A RAW record's client from an active flow's port is none of its. */
	if (f != NULL && f->ff_active)
		f = NULL;

	RTE_SET_USED(arg);
	sf_conn_get_info(c, &ci2);
	if (ci2.iss != ci->iss || ci2.irs != ci->irs ||
	    ci->remote_port != ci2.remote_port) {
		fprintf(stderr, "fuzz_flows: sf_conn_get_info disagrees\n");
		abort();
	}
	switch (ff.on_accept) {
	case 1:
		sf_conn_close(c);
		return;
	case 2:
		sf_conn_reset(c);
		return;
	}
	if (f != NULL) {
		f->ff_conn = c;
		f->ff_gen = c->cn_gen;
	}
	/* Held: something to send, so ACKs meet a send queue. */
	sf_conn_send(c, ff_bytes, sizeof(ff_bytes));
}

/*
 * The send queues against the worker's tallies: the mbufs each holds
 * (wt_snd_mbufs) and the budget they are charged (tb_snd_charge), walked
 * from the queues themselves. Aborts on a difference.
 */
static void
ff_snd_audit(void)
{
	const struct sf_wtcp *wt = &ff.w->wk_tcp;
	uint32_t i, n = 0, charge;
	struct rte_mbuf *m;

	for (i = 0; i < wt->wt_conntab.ft_cap; i++) {
		const struct sf_tcb *tb = &wt->wt_tcb[i];

		if (wt->wt_conn[i].cn_state == SF_CS_FREE ||
		    !(wt->wt_conn[i].cn_flags & SF_CNF_SND))
			continue;
		charge = 0;
		for (m = tb->tb_snd; m != NULL; m = sf_seqm(m)->sm_next) {
			charge += sf_seqm(m)->sm_charge;
			n++;
		}
		if (charge != tb->tb_snd_charge) {
			fprintf(stderr, "fuzz_flows: send charge %u, queue "
				"holds %u\n", tb->tb_snd_charge, charge);
			abort();
		}
	}
	if (n != wt->wt_snd_mbufs) {
		fprintf(stderr, "fuzz_flows: send tally %u, queues hold %u\n",
			wt->wt_snd_mbufs, n);
		abort();
	}
}

/* Every byte is read (ASan sees a read past the frame). */
static void
ff_data_read(const struct sf_conn_data *d)
{
	uint32_t i;

	if (d->len == 0 || d->data < rte_pktmbuf_mtod(d->m, const uint8_t *) ||
	    d->data + d->len > rte_pktmbuf_mtod(d->m, const uint8_t *) +
	    rte_pktmbuf_data_len(d->m)) {
		fprintf(stderr, "fuzz_flows: on_data outside its mbuf\n");
		abort();
	}
	for (i = 0; i < d->len; i++)
		ff.data_sum += d->data[i];
}

/* Read, then act as header[3] says. */
static void
ff_on_data(struct sf_conn *c, const struct sf_conn_data *d, void *arg)
{
	RTE_SET_USED(arg);
	ff_data_read(d);
	if (ff.on_data == 1)
		sf_conn_send(c, d->data, d->len);
	else if (ff.on_data == 2)
		sf_conn_close(c);
	else if (ff.on_data == 3)
		sf_conn_reset(c);
}

static void
ff_forget(struct sf_conn *c)
{
	unsigned int k;

	for (k = 0; k < FF_FLOWS; k++)
		if (ff.fl[k].ff_conn == c)
			ff.fl[k].ff_conn = NULL;
}

static void
ff_on_close(struct sf_conn *c, enum sf_close_reason why, void *arg)
{
	uintptr_t how = (uintptr_t)arg;

	if (why != SF_CLOSE_PEER_FIN) {
		ff_forget(c);
		return;
	}
	if (how == 1) {
		ff_forget(c);
		sf_conn_reset(c);
	} else if (how == 2) {
		sf_conn_close(c);
	}
}

/*
 * Our opens. The harness runs as the worker's lcore (sf_wk_cur is set
 * for the whole input), so sf_engine_connect() opens at once, as from a
 * callback on the worker, and hands the handle back; every connection
 * that began has its entry in ff.act, the arg of its callbacks, which
 * follows what the application was told.
 */

static void
ff_act_fail(const struct ff_act *a, const char *cb, const char *what)
{
	fprintf(stderr, "fuzz_flows: open %u (flow %u)%s%s: %s\n",
		(unsigned int)(a - ff.act), a->fa_flow, cb != NULL ? ", " : "",
		cb != NULL ? cb : "", what);
	abort();
}

/* The open a callback of ours is about; aborts when it must not come. */
static struct ff_act *
ff_act_of(struct sf_conn *c, void *arg, const char *cb)
{
	struct ff_act *a = arg;

	if (a < ff.act || a >= ff.act + FF_ACTS) {
		fprintf(stderr, "fuzz_flows: %s: arg %p is no open's\n", cb,
			arg);
		abort();
	}
	/* A failed sf_engine_connect() tells nothing; a good one, later. */
	if (a->fa_opening)
		ff_act_fail(a, cb, "called inside sf_engine_connect()");
	if (a->fa_closed || a->fa_gone)
		ff_act_fail(a, cb, "called after the connection's end");
	if (c != a->fa_c || c->cn_gen != a->fa_gen)
		ff_act_fail(a, cb, "another connection's handle");
	return a;
}

/* The application resets a: nothing may be told of it after. */
static void
ff_act_reset(struct ff_act *a)
{
	a->fa_gone = true;
	if (sf_conn_reset(a->fa_c) != 0)
		a->fa_gone = false;
}

/*
 * The application closes a. In SYN-SENT that gives the open up at once
 * and tells nothing (Linux's close() there); after, on_close comes when
 * both FINs are done (or the FIN is given up on).
 */
static void
ff_act_close(struct ff_act *a)
{
	a->fa_gone = a->fa_c->cn_state == SF_CS_SYN_SENT;
	if (sf_conn_close(a->fa_c) != 0)
		a->fa_gone = false;
}

static void
ff_act_on_connected(struct sf_conn *c, const struct sf_conn_info *ci,
		void *arg)
{
	struct ff_act *a = ff_act_of(c, arg, "on_connected");

	if (a->fa_connected)
		ff_act_fail(a, "on_connected", "called twice");
	if (c->cn_state != SF_CS_ESTABLISHED)
		ff_act_fail(a, "on_connected", "not in ESTABLISHED");
	if (ci->listener != SF_LISTENER_NONE || ci->iss != a->fa_iss ||
	    ci->remote_port != a->fa_rport ||
	    ci->local_port != a->fa_lport || ci->data != NULL)
		ff_act_fail(a, "on_connected", "the info is not the open's");
	a->fa_connected = true;
	switch (ff.on_connected) {
	case 0:
		/* Something to send, so the server's ACKs meet a queue. */
		sf_conn_send(c, ff_bytes, sizeof(ff_bytes));
		break;
	case 2:
		ff_act_close(a);
		break;
	case 3:
		ff_act_reset(a);
		break;
	}
}

static void ff_act_open(struct ff_flow *f);

static void
ff_act_on_close(struct sf_conn *c, enum sf_close_reason why, void *arg)
{
	struct ff_act *a;
	struct ff_flow *f;

	/* Only a request that went over the connect ring is told so. */
	if (c == NULL) {
		fprintf(stderr, "fuzz_flows: on_close without a handle\n");
		abort();
	}
	a = ff_act_of(c, arg, "on_close");
	if ((unsigned int)why >= SF_CLOSE_MAX)
		ff_act_fail(a, "on_close", "no reason");
	if (why == SF_CLOSE_PEER_FIN) {
		/* Told once (no half-close here), and only once open. */
		if (!a->fa_connected || a->fa_peer_fin)
			ff_act_fail(a, "on_close", a->fa_peer_fin ?
				"the peer's FIN twice" :
				"the peer's FIN before on_connected");
		a->fa_peer_fin = true;
		if (ff.on_close == 1)
			ff_act_reset(a);
		else if (ff.on_close != 3)
			ff_act_close(a);
		return;
	}
	if (why == SF_CLOSE_REFUSED && a->fa_connected)
		ff_act_fail(a, "on_close", "refused after on_connected");
	a->fa_closed = true;
	/* A client that retries: a new open from inside the old one's end. */
	f = &ff.fl[a->fa_flow];
	if (ff.act_retry && !a->fa_connected && f->ff_act == a &&
	    (why == SF_CLOSE_REFUSED || why == SF_CLOSE_UNREACH ||
	     why == SF_CLOSE_TIMEOUT))
		ff_act_open(f);
}

static void
ff_act_on_data(struct sf_conn *c, const struct sf_conn_data *d, void *arg)
{
	struct ff_act *a = ff_act_of(c, arg, "on_data");

	if (!a->fa_connected)
		ff_act_fail(a, "on_data", "called before on_connected");
	ff_data_read(d);
	if (ff.on_data == 1)
		sf_conn_send(c, d->data, d->len);
	else if (ff.on_data == 2)
		ff_act_close(a);
	else if (ff.on_data == 3)
		ff_act_reset(a);
}

/*
 * Open a connection to flow f's server port; f follows it from now on,
 * as a server that sees a new client: the SYN that leaves names the
 * local port and ISS (ff_learn()), the server's ISN moves on.
 */
static void
ff_act_open(struct ff_flow *f)
{
	struct sf_connect_params p = ff.cp;
	const struct sf_flow_key *k;
	uint16_t dport = f->ff_t.dport;
	struct sf_conn *c = NULL;
	struct ff_act *a;
	int ret;

	/*
	 * One at a time: an open's entry is taken when it succeeds (only a
	 * TIME-WAIT connection ends inside sf_engine_connect(), and it was
	 * connected, so no retry opens from there).
	 */
	if (ff.nact == FF_ACTS || (ff.nact < FF_ACTS &&
			ff.act[ff.nact].fa_opening))
		return;
	a = &ff.act[ff.nact];
	memset(a, 0, sizeof(*a));
	a->fa_flow = (uint8_t)(f - ff.fl);
	a->fa_rport = f->ff_t.sport;
	a->fa_opening = true;
	if (f->ff_t.v6) {
		p.remote.family = AF_INET6;
		memcpy(p.remote.v6, sf_test_peer_v6, 16);
	} else {
		p.remote.family = AF_INET;
		memcpy(&p.remote.v4, sf_test_peer_v4, 4);
	}
	p.remote_port = f->ff_t.sport;
	if (ff.act_lport)
		p.local_port = (uint16_t)(50010 + a->fa_flow);
	if (ff.act_laddr) {
		p.local.family = p.remote.family;
		if (f->ff_t.v6)
			memcpy(p.local.v6, sf_test_v6, 16);
		else
			memcpy(&p.local.v4, sf_test_v4, 4);
	}
	p.arg = a;
	f->ff_t.dport = 0;
	ret = sf_engine_connect(ff.eng, &p, &c);
	a->fa_opening = false;
	if (ret != 0) {
		/*
		 * At once (the worker is current, the parameters good), and
		 * nothing to tell: no port, tuple or slot left, or a next
		 * hop that failed lately. The flow stays with its last open.
		 */
		if (ret == -EINPROGRESS || ret == -EINVAL || c != NULL ||
		    f->ff_t.dport != 0) {
			fprintf(stderr, "fuzz_flows: sf_engine_connect() %d, "
				"handle %p, SYN from port %u\n", ret,
				(void *)c, f->ff_t.dport);
			abort();
		}
		f->ff_t.dport = dport;
		return;
	}
	ff.nact++;
	a->fa_c = c;
	a->fa_gen = c->cn_gen;
	a->fa_iss = c->cn_iss;
	k = sf_ftab_key(&ff.w->wk_tcp.wt_conntab, c->cn_id);
	if (k == NULL || c->cn_state != SF_CS_SYN_SENT)
		ff_act_fail(a, NULL, "not in SYN-SENT once opened");
	a->fa_lport = rte_be_to_cpu_16(k->fk_lport);
	if (f->ff_t.dport != 0 && (f->ff_t.dport != a->fa_lport ||
			f->ff_iss != a->fa_iss))
		ff_act_fail(a, NULL, "the SYN sent is not the open's");
	if (f->ff_t.dport == 0) {
		/*
		 * The SYN waits for the next hop: the records may aim at
		 * the open before it leaves, as a server never would, but
		 * a fuzzer may.
		 */
		f->ff_t.dport = a->fa_lport;
		f->ff_iss = a->fa_iss;
		f->ff_rcv_nxt = a->fa_iss + 1;
	}
	f->ff_act = a;
	if (f->ff_syn)
		f->ff_isn = f->ff_snd_nxt + 100000;
	f->ff_snd_nxt = f->ff_isn;
	f->ff_syn = false;
	f->ff_ts = false;
}

/*
 * The opens against the engine between records: one not ended nor given
 * up still holds its slot, and has left SYN-SENT exactly when it was told
 * on_connected.
 */
static void
ff_act_audit(void)
{
	unsigned int i;

	for (i = 0; i < ff.nact; i++) {
		const struct ff_act *a = &ff.act[i];
		const struct sf_conn *c = a->fa_c;

		if (a->fa_closed || a->fa_gone)
			continue;
		if (c->cn_state == SF_CS_FREE || c->cn_gen != a->fa_gen)
			ff_act_fail(a, NULL, "ended without on_close");
		if ((c->cn_state == SF_CS_SYN_SENT) == a->fa_connected)
			ff_act_fail(a, NULL, a->fa_connected ?
				"back in SYN-SENT" :
				"out of SYN-SENT without on_connected");
	}
}

/* Run one frame through the engine; the reply, if any, is learnt from. */
static void
ff_input(struct rte_mbuf *m)
{
	switch (sf_input_one(ff.w, 0, m)) {
	case SF_VERDICT_KEPT:
		return;
	case SF_VERDICT_TX:
		ff_learn(m);
		break;
	default:
		break;
	}
	rte_pktmbuf_free(m);
}

static void
ff_clock(uint32_t ms)
{
	ms = RTE_MIN(ms, (uint32_t)FF_CLOCK_STEP_MAX);
	ms = RTE_MIN(ms, FF_CLOCK_MAX - ff.now);
	ff.now += ms;
	sf_worker_clock(ff.w, ff.now);
}

/* A segment of flow f with the given fields and its timestamp option. */
static void
ff_send(struct ff_flow *f, uint8_t flags, uint32_t seq, uint32_t ack,
		const void *data, uint16_t len, bool bad)
{
	struct sf_test_tcp t = f->ff_t;

	t.seq = seq;
	t.ack = ack;
	t.flags = flags;
	t.data = data;
	t.data_len = len;
	t.bad_csum = bad;
	if (f->ff_ts)
		t.optlen = sf_test_tcp_synopts(t.opt, SF_TOF_TS, 0, 0,
			++f->ff_tsval, f->ff_tsecr);
	ff_input(sf_test_tcp_frame(&t));
}

static uint8_t ff_syn_which;

static void
ff_syn(struct ff_flow *f, uint8_t a)
{
	static const uint16_t mss[4] = { 536, 1460, 9000, 0 };
	struct sf_test_tcp t = f->ff_t;
	unsigned int which = ff_syn_which;

	if ((a & 1) && f->ff_syn)
		f->ff_isn = f->ff_snd_nxt + 100000;
	if (mss[(a >> 1) & 3] != 0)
		which |= SF_TOF_MSS;
	f->ff_ts = which & SF_TOF_TS;
	f->ff_syn = true;
	f->ff_snd_nxt = f->ff_isn + 1;
	t.seq = f->ff_isn;
	t.flags = RTE_TCP_SYN_FLAG;
	t.optlen = sf_test_tcp_synopts(t.opt, which, mss[(a >> 1) & 3], 7,
		++f->ff_tsval, 0);
	ff_input(sf_test_tcp_frame(&t));
}

/* The peer answers our ARP request or neighbour solicitation at last. */
static void
ff_neigh_answer(void)
{
	struct sf_net *nt = &ff.w->wk_tcp.wt_net;

	ff.neigh_wait = false;
	sf_neigh_learn(nt, SF_TEST_PORT, AF_INET, sf_test_peer_v4,
		&sf_test_peer, SF_NUD_REACHABLE,
		SF_NEIGH_F_CREATE | SF_NEIGH_F_OVERRIDE);
	sf_neigh_learn(nt, SF_TEST_PORT, AF_INET6, sf_test_peer_v6,
		&sf_test_peer, SF_NUD_REACHABLE,
		SF_NEIGH_F_CREATE | SF_NEIGH_F_OVERRIDE);
}

/* SYN on an active flow: the server's SYN-ACK to the open it follows. */
static void
ff_synack(struct ff_flow *f, uint8_t a)
{
	static const unsigned int which[4] = {
		SF_TOF_MSS | SF_TOF_SACKPERM | SF_TOF_TS | SF_TOF_WSCALE,
		SF_TOF_MSS | SF_TOF_TS, 0,
		SF_TOF_MSS | SF_TOF_SACKPERM | SF_TOF_TS | SF_TOF_WSCALE,
	};
	static const uint16_t mss[4] = { 1460, 536, 0, 9000 };
	static const uint8_t ws[4] = { 7, 0, 0, 14 };
	static const uint16_t win[4] = { 29200, 0, 29200, 1000 };
	struct sf_test_tcp t = f->ff_t;
	unsigned int v = (a >> 1) & 3;
	uint32_t tsecr = f->ff_tsecr;

	if (ff.neigh_wait)
		ff_neigh_answer();
	/* PAWS (RFC 7323 5.2): an echo far past every TSval of ours. */
	if (a & 1)
		tsecr += 0x40000000;
	t.seq = f->ff_isn;
	t.ack = f->ff_iss + 1;
	t.flags = RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG;
	if (v == 3)
		t.flags |= RTE_TCP_ECE_FLAG;
	t.win = win[v];
	t.optlen = sf_test_tcp_synopts(t.opt, which[v], mss[v], ws[v],
		++f->ff_tsval, tsecr);
	f->ff_syn = true;
	f->ff_ts = ff.act_ts && (which[v] & SF_TOF_TS);
	if ((int32_t)(f->ff_snd_nxt - (f->ff_isn + 1)) < 0)
		f->ff_snd_nxt = f->ff_isn + 1;
	ff_input(sf_test_tcp_frame(&t));
}

/* APP on an active flow: close or reset the open it follows. */
static void
ff_act_app(struct ff_flow *f, uint8_t a)
{
	struct ff_act *x = f->ff_act;

	if (x == NULL || x->fa_closed || x->fa_gone)
		return;
	if (a & 1)
		ff_act_reset(x);
	else
		ff_act_close(x);
}

/* SEG: any flags, sequence numbers and options near the flow's. */
static size_t
ff_seg(struct ff_flow *f, uint8_t a, const uint8_t *p, size_t n)
{
	static uint8_t data[1400 + UINT8_MAX];
	struct sf_test_tcp t = f->ff_t;
	int32_t scale = (a & 1) ? 4096 : 1;
	size_t used = 5;
	uint8_t opts;

	if (n < 5)
		return n;
	t.flags = p[0];
	t.seq = f->ff_snd_nxt + (int32_t)(int8_t)p[1] * scale;
	t.ack = f->ff_rcv_nxt + (int32_t)(int8_t)p[2] * scale;
	t.data_len = p[3];
	opts = p[4];
	if (a & 2) {
		t.data_len = (uint16_t)RTE_MIN((size_t)t.data_len, n - 5);
		memcpy(data, p + 5, t.data_len);
		used += t.data_len;
	} else {
		/* A pattern; bit 7 of opts makes it a full-sized segment. */
		if (opts & 0x80)
			t.data_len = (uint16_t)(1400 + t.data_len);
		memset(data, 'a' + (p[3] & 15), t.data_len);
	}
	t.data = data;
	t.bad_csum = a & 4;
	/* opts bits 0-5: which SYN options (with timestamps of the flow). */
	t.optlen = sf_test_tcp_synopts(t.opt, opts & 0xf, 1460,
		(uint8_t)(opts >> 4 & 3) * 5, ++f->ff_tsval, f->ff_tsecr);
	if (opts & 0x40 && t.optlen <= 30) {
		/* A SACK block over what we sent. */
		uint8_t *o = t.opt + t.optlen;
		uint32_t l = f->ff_iss + 1, r = f->ff_rcv_nxt;

		o[0] = SF_TCPOPT_NOP;
		o[1] = SF_TCPOPT_NOP;
		o[2] = 5;
		o[3] = 10;
		l = rte_cpu_to_be_32(l);
		r = rte_cpu_to_be_32(r);
		memcpy(o + 4, &l, 4);
		memcpy(o + 8, &r, 4);
		t.optlen += 12;
	}
	ff_input(sf_test_tcp_frame(&t));
	if ((int8_t)p[1] == 0 && !(t.flags & RTE_TCP_RST_FLAG))
		f->ff_snd_nxt += t.data_len + !!(t.flags & RTE_TCP_SYN_FLAG) +
			!!(t.flags & RTE_TCP_FIN_FLAG);
	return used;
}

static void
ff_ack(struct ff_flow *f, uint8_t a)
{
	static const uint16_t len[4] = { 0, 1, 536, 1400 };
	static uint8_t data[1400];
	uint8_t flags = RTE_TCP_ACK_FLAG;
	uint16_t n = len[a & 3];

	if (n != 0)
		flags |= RTE_TCP_PSH_FLAG;
	if (a & 4)
		flags |= RTE_TCP_FIN_FLAG;
	memset(data, 'x', n);
	ff_send(f, flags, f->ff_snd_nxt, f->ff_rcv_nxt, data, n, false);
	f->ff_snd_nxt += n + !!(a & 4);
}

static void
ff_app(struct ff_flow *f, uint8_t a)
{
	struct sf_conn *c = f->ff_conn;

	/* Only a connection the application still holds. */
	if (c == NULL || c->cn_state == SF_CS_FREE || c->cn_gen != f->ff_gen)
		return;
	if (a & 1) {
		f->ff_conn = NULL;
		sf_conn_reset(c);
	} else {
		sf_conn_close(c);
	}
}

/*
 * An ICMP error from a router about a segment we sent to flow f: the
 * quoted IP header and first 8 bytes of TCP (RFC 792, RFC 4443 3.x).
 */
static size_t
ff_icmp(struct ff_flow *f, uint8_t a, const uint8_t *p, size_t n)
{
	/* type per a bits 0-1, v4 then v6 */
	static const uint8_t type4[4] = { 3, 3, 11, 12 };
	static const uint8_t type6[4] = { 1, 2, 3, 4 };
	uint8_t fr[256];
	struct rte_tcp_hdr *th;
	uint16_t l2, l3, off, ilen;
	uint8_t *ip, *ic, *in;
	uint32_t seq;

	if (n < 2)
		return n;
	memset(fr, 0, sizeof(fr));
	seq = f->ff_iss + (int32_t)(int8_t)p[1];
	ilen = (uint16_t)((f->ff_t.v6 ? 40 : 20) + 8);
	l2 = sf_test_put_eth(fr, &sf_test_mac, 0, f->ff_t.v6 ?
		RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4);
	ip = fr + l2;
	if (f->ff_t.v6)
		l3 = sf_test_put_ip6(ip, ff_router6, sf_test_v6,
			IPPROTO_ICMPV6, (uint16_t)(8 + ilen), 64);
	else
		l3 = sf_test_put_ip4(ip, ff_router4, sf_test_v4,
			IPPROTO_ICMP, (uint16_t)(8 + ilen));
	ic = ip + l3;
	ic[0] = f->ff_t.v6 ? type6[a & 3] : type4[a & 3];
	ic[1] = p[0] & (f->ff_t.v6 ? 7 : 15);
	if ((a & 3) == 1) {
		/* Fragmentation needed: MTU 1280 / 576 in the last word. */
		ic[1] = f->ff_t.v6 ? 0 : 4;
		off = f->ff_t.v6 ? 1280 : 576;
		ic[6] = off >> 8;
		ic[7] = off & 0xff;
	}
	in = ic + 8;
	if (f->ff_t.v6)
		sf_test_put_ip6(in, sf_test_v6, f->ff_t.src, IPPROTO_TCP,
			(uint16_t)(20 + f->ff_t.optlen), 64);
	else
		sf_test_put_ip4(in, sf_test_v4, f->ff_t.src, IPPROTO_TCP,
			(uint16_t)(20 + f->ff_t.optlen));
	th = (struct rte_tcp_hdr *)(in + ilen - 8);
	th->src_port = rte_cpu_to_be_16(f->ff_t.dport);
	th->dst_port = rte_cpu_to_be_16(f->ff_t.sport);
	th->sent_seq = rte_cpu_to_be_32(seq);
	if (f->ff_t.v6) {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)ip;

		sf_test_put_cksum(ic + 2, sf_test_ip6_sum(ip6, ic,
			(uint32_t)(8 + ilen), IPPROTO_ICMPV6));
	} else {
		sf_test_put_cksum(ic + 2, sf_test_sum(ic, 8 + ilen, 0));
	}
	ff_input(sf_test_mbuf(fr, (uint16_t)(l2 + l3 + 8 + ilen)));
	return 2;
}

/* FLOOD on an active flow: a + 1 more opens to its server port. */
static void
ff_act_more(struct ff_flow *f, uint8_t a)
{
	unsigned int i;

	for (i = 0; i <= a; i++)
		ff_act_open(f);
}

static void
ff_flood(struct ff_flow *f, uint8_t a)
{
	struct sf_test_tcp t = f->ff_t;
	unsigned int i;

	for (i = 0; i < (a + 1u) * 4; i++) {
		t.sport = ff.flood_port++;
		t.seq = 7000u * t.sport;
		t.flags = RTE_TCP_SYN_FLAG;
		t.optlen = sf_test_tcp_synopts(t.opt, SF_TOF_MSS, 1460, 0, 0,
			0);
		ff_input(sf_test_tcp_frame(&t));
	}
}

static size_t
ff_raw(const uint8_t *p, size_t n)
{
	uint8_t fr[256];
	size_t len;

	if (n < 1)
		return n;
	len = RTE_MIN((size_t)p[0], n - 1);
	if (len < RTE_ETHER_HDR_LEN)
		return 1 + len;
	memcpy(fr, p + 1, len);
	memcpy(fr, &sf_test_mac, RTE_ETHER_ADDR_LEN);
	memcpy(fr + RTE_ETHER_ADDR_LEN, &sf_test_peer, RTE_ETHER_ADDR_LEN);
	ff_input(sf_test_mbuf(fr, (uint16_t)len));
	return 1 + len;
}

static struct sf_engine *
ff_engine(const uint8_t *h)
{
	static const uint32_t backlog[4] = { 0, 1, 4, 16 };
	static const uint32_t syn_backlog[4] = { 4, 8, 16, 64 };
	struct sf_engine_params ep = { .nb_workers = 1,
		.socket_id = SOCKET_ID_ANY, .pool = pool,
		.cookie_secret = ff_secret };
	struct sf_port_conf pc = { .mac = sf_test_mac };
	static const char *const addrs[] = { "10.10.0.1/24",
		"fd00:10:10::1/64" };
	struct sf_listener_params lp;
	struct sf_engine *e;
	struct sf_worker *w;
	struct sf_addr ad;
	unsigned int i;

	ep.max_requests = ep.max_conns = 4u << (h[3] & 3);
	ep.time_wait_ms = (h[3] & 4) ? 100 : 0;
	ep.no_listener_drop = (h[3] >> 3) & 1;
	if (h[2] & 0x40) {
		ep.local_port_lo = 50000;
		ep.local_port_hi = 50003;
		ep.tw_reuse = 1;
	}
	e = sf_engine_create(&ep);
	if (e == NULL || sf_engine_port_add(e, 0, &pc) != 0)
		abort();
	for (i = 0; i < RTE_DIM(addrs); i++)
		if (sf_addr_parse(addrs[i], &ad) != 0 ||
		    sf_engine_addr_add(e, 0, &ad) != 0)
			abort();
	sf_engine_tx_hook(e, ff_tx_hook);

	sf_listener_params_init(&lp);
	lp.port = 80;
	lp.syncookies = (h[0] >> 1 & 3) == 3 ? 1 : h[0] >> 1 & 3;
	lp.defer_accept = (h[0] >> 5) & 1;
	lp.abort_on_overflow = (h[0] >> 6) & 1;
	if (h[0] & 0x80)
		lp.timestamps = lp.sack = lp.ecn = false;
	lp.backlog = backlog[h[1] & 3];
	lp.syn_backlog = syn_backlog[(h[1] >> 2) & 3];
	ff.on_accept = (h[1] >> 4) & 3;
	ff.on_close = (h[1] >> 6) & 3;
	lp.on_accept = ff.on_accept == 3 ? NULL : ff_on_accept;
	lp.on_close = ff.on_close == 0 ? NULL : ff_on_close;
	ff.on_data = (h[3] >> 4) & 3;
	lp.on_data = ff.on_data == 0 ? NULL : ff_on_data;
	lp.arg = (void *)(uintptr_t)ff.on_close;
	lp.synack_retries = h[2] & 7;
	lp.synack_timeout_ms = 200;
	if (sf_engine_listen(e, &lp) < 0)
		abort();

	sf_listener_params_init(&lp);
	lp.port = 81;
	lp.syncookies = 2;
	lp.defer_accept = 1;
	lp.synack_retries = 1;
	lp.on_accept = ff_on_accept;
	lp.on_close = ff_on_close;
	lp.arg = (void *)(uintptr_t)1;
	if (sf_engine_listen(e, &lp) < 0)
		abort();

	w = sf_engine_worker(e, 0);
	e->en_tcp.et_wall_ms = ff_wall_ms;
	/* Local ports as the input says, not as a random key would. */
	sf_siphash_key_from_bytes(ff_port_secret, &e->en_tcp.et_port_key);
	w->wk_tcp.wt_ck_next = w->wk_tcp.wt_net.nt_now;
	sf_worker_clock(w, w->wk_tcp.wt_net.nt_now);
	return e;
}

static void
ff_stats_print(void)
{
	unsigned int i;

	printf("fuzz_flows: engine counters over %lu inputs\n", stats_inputs);
	for (i = 0; i < SF_CNT_MAX; i++)
		if (stats_sum[i] != 0)
			printf("  %-32s %" PRIu64 "\n", sf_counter_name(i),
				stats_sum[i]);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	RTE_SET_USED(argc);
	pool = sf_test_fuzz_init((*argv)[0], "sf_fflows", 511);
	sf_test_pool = pool;
	stats = getenv("FUZZ_FLOWS_STATS") != NULL;
	if (stats)
		atexit(ff_stats_print);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t unit[8] = { 1, 10, 100, 250, 1000, 5000,
		20000, 65000 };
	const uint8_t *p = data + 5;
	unsigned int k, nact;
	size_t n, left;

	if (size < 5 || size > 4096)
		return 0;
	memset(&ff, 0, sizeof(ff));
	/* Before the engine: the local ports' perturbation table, ... */
	rte_srand(FF_SEED);
	ff.flood_port = 40000;
	ff_syn_which = ((data[0] & 8) ? SF_TOF_TS : 0) |
		((data[0] & 16) ? SF_TOF_SACKPERM | SF_TOF_WSCALE : 0);
	nact = data[4] & 3;
	for (k = 0; k < FF_FLOWS; k++) {
		struct ff_flow *f = &ff.fl[k];
		bool v6 = (data[0] & 1) ^ (k == 3);

		f->ff_active = k >= FF_FLOWS - nact;
		if (f->ff_active)
			sf_test_tcp_init(&f->ff_t, v6, (uint16_t)(FF_RPORT + k),
				0);
		else
			sf_test_tcp_init(&f->ff_t, v6, (uint16_t)(1000 + k),
				k == 2 ? 81 : 80);
		f->ff_isn = 1000000u * (k + 1);
		f->ff_snd_nxt = f->ff_isn;
		f->ff_tsval = 5000;
	}
	ff.eng = ff_engine(data);
	ff.w = sf_engine_worker(ff.eng, 0);

	/* Our opens, as the header says; the records then play the server. */
	sf_connect_params_init(&ff.cp);
	ff.cp.timestamps = !(data[4] & 0x10);
	if (data[4] & 0x20) {
		ff.cp.sack = false;
		ff.cp.wscale = 0;
	}
	ff.cp.ecn = (data[4] >> 6) & 1;
	ff.cp.syn_retries = (data[2] >> 3) & 3;
	ff.cp.syn_timeout_ms = (data[2] & 0x20) ? 100 : 1000;
	ff.cp.on_connected = ff_act_on_connected;
	ff.cp.on_close = ff_act_on_close;
	ff.cp.on_data = ff_act_on_data;
	ff.on_connected = (data[4] >> 2) & 3;
	ff.act_ts = ff.cp.timestamps;
	ff.act_retry = (data[4] >> 7) & 1;
	ff.act_lport = (data[3] >> 6) & 1;
	ff.act_laddr = (data[3] >> 7) & 1;
	RTE_PER_LCORE(sf_wk_cur) = ff.w;
	if (nact != 0) {
		ff.neigh_wait = true;
		if (!(data[2] & 0x80))
			ff_neigh_answer();
	}
	for (k = FF_FLOWS - nact; k < FF_FLOWS; k++)
		ff_act_open(&ff.fl[k]);
	ff_act_audit();

	for (left = size - 5; left > 0; left -= n, p += n) {
		struct ff_flow *f = &ff.fl[(p[0] >> 3) & 3];
		uint8_t a = p[0] >> 5;

		n = 1;
		switch (p[0] & 7) {
		case 0:
			n += ff_seg(f, a, p + 1, left - 1);
			break;
		case 1:
			if (f->ff_active)
				ff_synack(f, a);
			else
				ff_syn(f, a);
			break;
		case 2:
			ff_ack(f, a);
			break;
		case 3:
			if (left >= 2) {
				ff_clock((p[1] + 1u) * unit[a]);
				n++;
			}
			break;
		case 4:
			if (f->ff_active)
				ff_act_app(f, a);
			else
				ff_app(f, a);
			break;
		case 5:
			n += ff_icmp(f, a, p + 1, left - 1);
			break;
		case 6:
			if (f->ff_active)
				ff_act_more(f, a);
			else
				ff_flood(f, a);
			break;
		default:
			n += ff_raw(p + 1, left - 1);
			break;
		}
		n = RTE_MIN(n, left);
		ff_act_audit();
	}

	ff_snd_audit();
	if (stats) {
		uint64_t c[SF_CNT_MAX];

		sf_engine_counters(ff.eng, c);
		for (k = 0; k < SF_CNT_MAX; k++)
			stats_sum[k] += c[k];
		stats_inputs++;
	}
	RTE_PER_LCORE(sf_wk_cur) = NULL;
	sf_engine_free(ff.eng);
	/* Every open that began was told its end: on_close, or the reset. */
	for (k = 0; k < ff.nact; k++)
		if (!ff.act[k].fa_closed && !ff.act[k].fa_gone)
			ff_act_fail(&ff.act[k], NULL,
				"no on_close by the engine's end");
	if (rte_mempool_avail_count(pool) != pool->size) {
		fprintf(stderr, "fuzz_flows: %u mbufs not back in the pool\n",
			pool->size - rte_mempool_avail_count(pool));
		abort();
	}
	return 0;
}
