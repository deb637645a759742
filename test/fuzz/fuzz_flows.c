/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * libFuzzer harness for state: each input is a small program that plays a
 * few client flows against a fresh engine, so a SYN, its third ACK and the
 * segments that follow meet in one input (fuzz_rx sees one frame per
 * input, and only stumbles on a flow's earlier state when two inputs share
 * a 4-tuple). The harness plays the client side of each flow: it learns our
 * ISS and next sequence number from the segments the engine sends (the
 * in-place reply and the frames of the tx hook), so its records name
 * sequence and acknowledgment numbers relative to what a real peer would
 * send, and the fuzzer reaches the third ACK, data, FIN and RST handling,
 * the accept queue and the timers without guessing 32-bit numbers.
 *
 * Input: a 4-byte header, then records until the input ends.
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
 *   header[2]           synack_retries of listener 80 (low 3 bits)
 *   header[3] bits 0-3  engine: max_requests and max_conns 4 << (v & 3),
 *                       bit 2 TIME-WAIT 100 ms, bit 3 drop segments to
 *                       ports nobody listens on
 *             bits 4-5  on_data of listener 80: none, read every byte
 *                       and send it back (echo), close, reset
 *
 * Records (op byte: bits 0-2 kind, bits 3-4 flow k, bits 5-7 argument a):
 *   0 SEG     flags, dseq, dack (int8, * 4096 if a bit 0), dlen, opts,
 *             then dlen data bytes if a bit 1; a bit 2 spoils the checksum.
 *             seq = the flow's next + dseq, ack = our next + dack.
 *   1 SYN     a fresh SYN of flow k (a bit 0: a new ISN, past the old
 *             one, as a reused port would send; a bits 1-2: MSS 536,
 *             1460, 9000, none)
 *   2 ACK     an in-window ACK: data of 0, 1, 536 or 1400 bytes (a bits
 *             0-1), FIN if a bit 2
 *   3 CLOCK   one byte b: the clock moves (b + 1) * unit[a] ms (1 ms to
 *             200 s; 600 s in all per input: the timer wheel walks each
 *             tick while a timer is armed, and longer jumps only slowed
 *             the fuzzer down, 10 min being past every timer and cookie)
 *   4 APP     flow k's application closes (a bit 0 clear) or resets
 *             its connection, if it holds a live one
 *   5 ICMP    type byte, dseq (int8): an ICMP error quoting flow k's
 *             segment from us with seq = our ISS + dseq (a bits 0-1:
 *             unreachable, fragmentation needed / too big, time
 *             exceeded, parameter problem; the type byte picks the code)
 *   6 FLOOD   (a + 1) * 4 SYNs from other ports of the peer to flow k's
 *             listener: fills the SYN queue and tables (cookie mode 1)
 *   7 RAW     length byte n, then n bytes sent as a frame (Ethernet
 *             addresses forced to the peer's and the port's)
 *
 * Flows 0 and 1 go to listener 80 (settings above), flow 2 to listener 81
 * (always cookies, deferred accept, on_close resets on FIN), flow 3 to
 * listener 80 in the other family. Every frame the engine sends is checked
 * as the unit tests check them (checksums, lengths, addresses, TTL); a bad
 * one aborts. Each input gets a new engine, freed at its end, after which
 * every mbuf must be back in the pool. Cookie secret and cookie wall clock
 * are fixed, and the clock is the harness's, so inputs replay; our ISS
 * (from the TSC) and hash seeds are random, which the records never see.
 *
 * FUZZ_FLOWS_STATS=1 prints, at exit, the engine counters summed over the
 * inputs run (handshakes completed, cookies, ...), to check depth.
 */

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
#include <rte_tcp.h>

#include "sf_engine_pvt.h"
#include "sf_test.h"

#define FF_FLOWS 4
#define FF_WALL0 1700000000000ull
#define FF_CLOCK_STEP_MAX 200000  /* ms */
#define FF_CLOCK_MAX 600000       /* ms in all, per input */

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
} ff;

static struct rte_mempool *pool;
static bool stats;
static uint64_t stats_sum[SF_CNT_MAX];
static unsigned long stats_inputs;
static const uint8_t ff_secret[16] = "fuzz_flows_key!";
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

/* Every byte is read (ASan sees a read past the frame); or it acts. */
static void
ff_on_data(struct sf_conn *c, const struct sf_conn_data *d, void *arg)
{
	uint32_t i;

	RTE_SET_USED(arg);
	if (d->len == 0 || d->data < rte_pktmbuf_mtod(d->m, const uint8_t *) ||
	    d->data + d->len > rte_pktmbuf_mtod(d->m, const uint8_t *) +
	    rte_pktmbuf_data_len(d->m)) {
		fprintf(stderr, "fuzz_flows: on_data outside its mbuf\n");
		abort();
	}
	for (i = 0; i < d->len; i++)
		ff.data_sum += d->data[i];
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
	const uint8_t *p = data + 4;
	size_t n, left;
	unsigned int k;

	if (size < 4 || size > 4096)
		return 0;
	memset(&ff, 0, sizeof(ff));
	ff.flood_port = 40000;
	ff_syn_which = ((data[0] & 8) ? SF_TOF_TS : 0) |
		((data[0] & 16) ? SF_TOF_SACKPERM | SF_TOF_WSCALE : 0);
	for (k = 0; k < FF_FLOWS; k++) {
		struct ff_flow *f = &ff.fl[k];
		bool v6 = (data[0] & 1) ^ (k == 3);

		sf_test_tcp_init(&f->ff_t, v6, (uint16_t)(1000 + k),
			k == 2 ? 81 : 80);
		f->ff_isn = 1000000u * (k + 1);
		f->ff_snd_nxt = f->ff_isn;
		f->ff_tsval = 5000;
	}
	ff.eng = ff_engine(data);
	ff.w = sf_engine_worker(ff.eng, 0);

	for (left = size - 4; left > 0; left -= n, p += n) {
		struct ff_flow *f = &ff.fl[(p[0] >> 3) & 3];
		uint8_t a = p[0] >> 5;

		n = 1;
		switch (p[0] & 7) {
		case 0:
			n += ff_seg(f, a, p + 1, left - 1);
			break;
		case 1:
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
			ff_app(f, a);
			break;
		case 5:
			n += ff_icmp(f, a, p + 1, left - 1);
			break;
		case 6:
			ff_flood(f, a);
			break;
		default:
			n += ff_raw(p + 1, left - 1);
			break;
		}
		n = RTE_MIN(n, left);
	}

	ff_snd_audit();
	if (stats) {
		uint64_t c[SF_CNT_MAX];

		sf_engine_counters(ff.eng, c);
		for (k = 0; k < SF_CNT_MAX; k++)
			stats_sum[k] += c[k];
		stats_inputs++;
	}
	sf_engine_free(ff.eng);
	if (rte_mempool_avail_count(pool) != pool->size) {
		fprintf(stderr, "fuzz_flows: %u mbufs not back in the pool\n",
			pool->size - rte_mempool_avail_count(pool));
		abort();
	}
	return 0;
}
