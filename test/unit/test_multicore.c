/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * Many cores: software steering (lib/engine/sf_steer.c), application
 * contexts (lib/app/sf_app.c) and run-time listeners under RCU
 * (lib/tcp/sf_listen.c).
 *
 * Port 0 is a real ethdev here, a net_ring port made from two rings the
 * test holds: frames a worker sends on its tx queue land in tx_ring,
 * where the test reads them back. The workers are driven through the
 * internal entry points (sf_steer_rx, sf_steer_poll, sf_app_cmd_poll,
 * sf_worker_sync), one step at a time, on this one lcore.
 */

#include <errno.h>
#include <netinet/in.h>

#include <rte_arp.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_ring.h>

#include "sf_test.h"

#define F_ACK RTE_TCP_ACK_FLAG
#define F_FIN RTE_TCP_FIN_FLAG
#define F_RST RTE_TCP_RST_FLAG
#define F_SYN RTE_TCP_SYN_FLAG
#define F_PSH RTE_TCP_PSH_FLAG

static struct rte_ring *rx_ring, *tx_ring;

static void
ring_port_open(void)
{
	struct rte_eth_conf conf;
	int port;

	rx_ring = rte_ring_create("sf_mc_rx", 1024, (int)rte_socket_id(),
			RING_F_SP_ENQ | RING_F_SC_DEQ);
	tx_ring = rte_ring_create("sf_mc_tx", 1024, (int)rte_socket_id(),
			RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (rx_ring == NULL || tx_ring == NULL) {
		fprintf(stderr, "rings: %s\n", rte_strerror(rte_errno));
		exit(1);
	}
	port = rte_eth_from_rings("sf_mc0", &rx_ring, 1, &tx_ring, 1,
			rte_socket_id());
	if (port != SF_TEST_PORT) {
		fprintf(stderr, "net_ring port: got %d, need port %u\n", port,
			SF_TEST_PORT);
		exit(1);
	}
	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_configure(SF_TEST_PORT, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(SF_TEST_PORT, 0, 512, rte_socket_id(),
		    NULL, sf_test_pool) != 0 ||
	    rte_eth_tx_queue_setup(SF_TEST_PORT, 0, 512, rte_socket_id(),
		    NULL) != 0 ||
	    rte_eth_dev_start(SF_TEST_PORT) != 0) {
		fprintf(stderr, "net_ring port setup failed\n");
		exit(1);
	}
}

static void
ring_port_close(void)
{
	rte_eth_dev_stop(SF_TEST_PORT);
	rte_eth_dev_close(SF_TEST_PORT);
	rte_ring_free(rx_ring);
	rte_ring_free(tx_ring);
}

/* Frames sent on port 0's tx queue so far (the caller frees them). */
static unsigned int
wire_take(struct rte_mbuf **out, unsigned int max)
{
	return rte_ring_sc_dequeue_burst(tx_ring, (void **)out, max, NULL);
}

static void
wire_flush(void)
{
	struct rte_mbuf *m[64];
	unsigned int n;

	while ((n = wire_take(m, RTE_DIM(m))) != 0)
		rte_pktmbuf_free_bulk(m, n);
}

static uint64_t
cnt(struct sf_engine *eng, unsigned int idx, enum sf_counter c)
{
	uint64_t v[SF_CNT_MAX];

	if (sf_engine_worker_counters(eng, idx, v) != 0)
		return UINT64_MAX;
	return v[c];
}

static unsigned int
pool_avail(void)
{
	return rte_mempool_avail_count(sf_test_pool);
}

/*
 * Which context this lcore runs as now: a worker (whose callbacks act on
 * its connections at once) or an application context (whose closes go
 * over the command ring). The engine sets the latter in its polls; the
 * test steps through the internal entry points, so it says which. The
 * worker is the test's own record, checked by the callbacks.
 */
static struct sf_worker *cur_wk;

static void
as_worker(struct sf_worker *w)
{
	RTE_PER_LCORE(sf_app_cur) = NULL;
	cur_wk = w;
}

static void
as_app(struct sf_app_ctx *a)
{
	RTE_PER_LCORE(sf_app_cur) = a;
	cur_wk = NULL;
}

/* A deterministic generator for addresses and ports. */
static uint32_t rnd_state = 0x12345678;

static uint32_t
rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/*
 * 1. The steering hash.
 *
 * Toeplitz from its definition: for every set bit of the input (bit 0 is
 * the top bit of byte 0), XOR in the 32 bits of the key that start at
 * that bit position.
 */
static uint32_t
key_window(const uint8_t *key, unsigned int bit)
{
	uint32_t v = 0;
	unsigned int k;

	for (k = 0; k < 32; k++) {
		unsigned int b = bit + k;

		v = v << 1 | ((key[b / 8] >> (7 - b % 8)) & 1u);
	}
	return v;
}

static uint32_t
toeplitz(const uint8_t *key, const uint8_t *in, size_t len)
{
	uint32_t h = 0;
	size_t i;

	for (i = 0; i < len * 8; i++)
		if (in[i / 8] & (0x80u >> (i % 8)))
			h ^= key_window(key, (unsigned int)i);
	return h;
}

/* src address, dst address, src port, dst port, as the wire has them. */
static size_t
tuple(uint8_t *buf, bool v6, const uint8_t *src, const uint8_t *dst,
		uint16_t sport, uint16_t dport, bool ports)
{
	size_t al = v6 ? 16 : 4;

	memcpy(buf, src, al);
	memcpy(buf + al, dst, al);
	if (!ports)
		return 2 * al;
	buf[2 * al] = sport >> 8;
	buf[2 * al + 1] = sport & 0xff;
	buf[2 * al + 2] = dport >> 8;
	buf[2 * al + 3] = dport & 0xff;
	return 2 * al + 4;
}

static uint32_t
ref_hash(bool v6, const uint8_t *src, const uint8_t *dst, uint16_t sport,
		uint16_t dport)
{
	uint8_t in[36];
	size_t n = tuple(in, v6, src, dst, sport, dport, true);

	return toeplitz(sf_rss_key, in, n);
}

/*
 * The reference implementation against Microsoft's RSS verification
 * suite (its key; input src, dst, sport, dport).
 */
static void
test_toeplitz_reference(void)
{
	static const uint8_t ms_key[40] = {
		0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
		0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
		0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
		0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
		0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
	};
	static const struct {
		uint8_t dst[4], src[4];
		uint16_t dport, sport;
		uint32_t ip, tcp;
	} v4[] = {
		{ { 161, 142, 100, 80 }, { 66, 9, 149, 187 }, 1766, 2794,
		  0x323e8fc2, 0x51ccc178 },
		{ { 65, 69, 140, 83 }, { 199, 92, 111, 2 }, 4739, 14230,
		  0xd718262a, 0xc626b0ea },
	};
	static const uint8_t v6_dst[16] = { 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00,
		0x00, 0x03, [15] = 0x01 };
	static const uint8_t v6_src[16] = { 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00,
		0x1f, 0xff, [15] = 0x07 };
	uint8_t in[36];
	unsigned int i;
	size_t n;

	for (i = 0; i < RTE_DIM(v4); i++) {
		n = tuple(in, false, v4[i].src, v4[i].dst, v4[i].sport,
			v4[i].dport, false);
		SF_CHECK_EQ(toeplitz(ms_key, in, n), v4[i].ip);
		n = tuple(in, false, v4[i].src, v4[i].dst, v4[i].sport,
			v4[i].dport, true);
		SF_CHECK_EQ(toeplitz(ms_key, in, n), v4[i].tcp);
	}
	n = tuple(in, true, v6_src, v6_dst, 2794, 1766, false);
	SF_CHECK_EQ(toeplitz(ms_key, in, n), 0x2cc18cd5);
	n = tuple(in, true, v6_src, v6_dst, 2794, 1766, true);
	SF_CHECK_EQ(toeplitz(ms_key, in, n), 0x40207d3d);
}

/* A SYN from src:sport to dst:dport, any addresses, with nb_vlan tags. */
static struct rte_mbuf *
syn_any(bool v6, const uint8_t *src, const uint8_t *dst, uint16_t sport,
		uint16_t dport, unsigned int nb_vlan)
{
	struct sf_test_tcp t;

	sf_test_tcp_init(&t, v6, sport, dport);
	t.src = src;
	t.dst = dst;
	t.seq = rnd();
	t.flags = F_SYN;
	t.nb_vlan = nb_vlan;
	return sf_test_tcp_frame(&t);
}

/* IPv6 + hop-by-hop options (one PadN) + a TCP SYN. */
static struct rte_mbuf *
syn_v6_hbh(const uint8_t *src, const uint8_t *dst, uint16_t sport,
		uint16_t dport)
{
	uint8_t f[128];
	struct rte_ipv6_hdr *ip6;
	struct rte_tcp_hdr *th;
	uint8_t *hbh;
	uint16_t l2;

	memset(f, 0, sizeof(f));
	l2 = sf_test_put_eth(f, &sf_test_mac, 0, RTE_ETHER_TYPE_IPV6);
	ip6 = (struct rte_ipv6_hdr *)(f + l2);
	sf_test_put_ip6(ip6, src, dst, IPPROTO_HOPOPTS, 8 + 20, 64);
	hbh = (uint8_t *)(ip6 + 1);
	hbh[0] = IPPROTO_TCP;
	hbh[1] = 0;
	hbh[2] = 1;       /* PadN */
	hbh[3] = 4;
	th = (struct rte_tcp_hdr *)(hbh + 8);
	th->src_port = rte_cpu_to_be_16(sport);
	th->dst_port = rte_cpu_to_be_16(dport);
	th->sent_seq = rte_cpu_to_be_32(rnd());
	th->data_off = 5 << 4;
	th->tcp_flags = F_SYN;
	th->rx_win = rte_cpu_to_be_16(29200);
	/* The pseudo-header of the final destination (no routing header). */
	sf_test_put_cksum(&th->cksum, sf_test_ip6_sum(ip6, th, 20,
		IPPROTO_TCP));
	return sf_test_mbuf(f, (uint16_t)(l2 + 40 + 8 + 20));
}

/* IPv4 with 4 bytes of options (NOPs) + a TCP SYN. */
static struct rte_mbuf *
syn_v4_opts(const uint8_t *src, const uint8_t *dst, uint16_t sport,
		uint16_t dport)
{
	uint8_t f[128];
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	uint16_t l2;

	memset(f, 0, sizeof(f));
	l2 = sf_test_put_eth(f, &sf_test_mac, 0, RTE_ETHER_TYPE_IPV4);
	ip = (struct rte_ipv4_hdr *)(f + l2);
	sf_test_put_ip4(ip, src, dst, IPPROTO_TCP, 4 + 20);
	ip->version_ihl = 0x46;
	memset(ip + 1, 1, 4);   /* NOP x 4 */
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	th = (struct rte_tcp_hdr *)((uint8_t *)ip + 24);
	th->src_port = rte_cpu_to_be_16(sport);
	th->dst_port = rte_cpu_to_be_16(dport);
	th->data_off = 5 << 4;
	th->tcp_flags = F_SYN;
	return sf_test_mbuf(f, (uint16_t)(l2 + 24 + 20));
}

/* An IPv4 or IPv6 frame with proto and an L4 part of l4_len zero bytes. */
static struct rte_mbuf *
ip_frame(bool v6, uint8_t proto, uint16_t l4_len, unsigned int nb_vlan)
{
	uint8_t f[256];
	uint16_t l2, l3;

	memset(f, 0, sizeof(f));
	l2 = sf_test_put_eth(f, &sf_test_mac, nb_vlan, v6 ?
		RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4);
	if (v6)
		l3 = sf_test_put_ip6(f + l2, sf_test_peer_v6, sf_test_v6,
			proto, l4_len, 64);
	else
		l3 = sf_test_put_ip4(f + l2, sf_test_peer_v4, sf_test_v4,
			proto, l4_len);
	/* Something port-like in the first four bytes. */
	f[l2 + l3] = 0x12;
	f[l2 + l3 + 1] = 0x34;
	f[l2 + l3 + 3] = 80;
	return sf_test_mbuf(f, (uint16_t)(l2 + l3 + l4_len));
}

/* A TCP frame of peer:sport -> us:dport made into an IPv4 fragment. */
static struct rte_mbuf *
v4_fragment(uint16_t frag_field)
{
	struct sf_test_tcp t;
	struct rte_mbuf *m;
	struct rte_ipv4_hdr *ip;

	sf_test_tcp_init(&t, false, 1234, 80);
	t.flags = F_SYN;
	m = sf_test_tcp_frame(&t);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
	ip->fragment_offset = rte_cpu_to_be_16(frag_field);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return m;
}

/* An IPv6 first fragment (offset 0, M set) of a TCP segment. */
static struct rte_mbuf *
v6_fragment(void)
{
	uint8_t f[128];
	uint8_t *fh;
	uint16_t l2;

	memset(f, 0, sizeof(f));
	l2 = sf_test_put_eth(f, &sf_test_mac, 0, RTE_ETHER_TYPE_IPV6);
	sf_test_put_ip6(f + l2, sf_test_peer_v6, sf_test_v6,
		IPPROTO_FRAGMENT, 8 + 20, 64);
	fh = f + l2 + 40;
	fh[0] = IPPROTO_TCP;
	fh[3] = 1;                 /* offset 0, M = 1 */
	fh[7] = 42;                /* identification */
	fh[8] = 0x04;              /* sport 1234 */
	fh[9] = 0xd2;
	fh[11] = 80;
	fh[8 + 12] = 5 << 4;
	fh[8 + 13] = F_SYN;
	return sf_test_mbuf(f, (uint16_t)(l2 + 40 + 8 + 20));
}

/* An engine of nw workers with a queue of port 0 on worker 0, steered. */
static struct sf_engine *
steer_engine(unsigned int nw, uint32_t ring_size)
{
	struct sf_engine_params ep = {
		.nb_workers = nw, .socket_id = SOCKET_ID_ANY,
		.max_requests = 64, .max_conns = 64,
		.steer_ring_size = ring_size,
	};
	struct sf_engine *eng = sf_test_engine_tcp(&ep);

	/* What the workers send goes through the real tx path. */
	sf_engine_tx_hook(eng, NULL);
	SF_CHECK_EQ(sf_engine_port_steered(eng, SF_TEST_PORT), 0);
	/* No worker has a queue on the port yet. */
	SF_CHECK_EQ(sf_engine_steer(eng, SF_TEST_PORT), -EINVAL);
	SF_CHECK_EQ(sf_worker_queue_add(sf_engine_worker(eng, 0),
		SF_TEST_PORT, 0), 0);
	SF_CHECK_EQ(sf_engine_steer(eng, SF_TEST_PORT), 0);
	SF_CHECK_EQ(sf_engine_port_steered(eng, SF_TEST_PORT), 1);
	return eng;
}

static void
engine_end(struct sf_engine *eng)
{
	unsigned int i;

	for (i = 0; i < sf_engine_context_count(eng); i++)
		sf_worker_stop(&eng->en_workers[i]);
	wire_flush();
	sf_test_tx_flush();
	sf_engine_drain(eng);
	SF_CHECK_EQ(pool_avail(), sf_test_pool->size);
	sf_engine_free(eng);
	as_worker(NULL);
}

/*
 * An ICMP (ICMPv6) error from src to dst quoting our TCP segment of the
 * flow src:sport -> dst:dport, i.e. dst:dport -> src:sport.
 */
static struct rte_mbuf *
icmp_err_any(bool v6, const uint8_t *src, const uint8_t *dst, uint16_t sport,
		uint16_t dport)
{
	uint8_t f[200];
	uint16_t l2, l3 = v6 ? 40 : 20;
	uint8_t *ic, *q;

	memset(f, 0, sizeof(f));
	l2 = sf_test_put_eth(f, &sf_test_mac, 0, v6 ? RTE_ETHER_TYPE_IPV6 :
		RTE_ETHER_TYPE_IPV4);
	if (v6)
		sf_test_put_ip6(f + l2, src, dst, IPPROTO_ICMPV6, 8 + l3 + 8,
			64);
	else
		sf_test_put_ip4(f + l2, src, dst, IPPROTO_ICMP, 8 + l3 + 8);
	ic = f + l2 + l3;
	ic[0] = v6 ? 1 : 3;     /* destination unreachable */
	ic[1] = v6 ? 3 : 1;     /* address / host unreachable */
	q = ic + 8;
	if (v6)
		sf_test_put_ip6(q, dst, src, IPPROTO_TCP, 20, 64);
	else
		sf_test_put_ip4(q, dst, src, IPPROTO_TCP, 20);
	q += l3;
	q[0] = (uint8_t)(dport >> 8);
	q[1] = (uint8_t)dport;
	q[2] = (uint8_t)(sport >> 8);
	q[3] = (uint8_t)sport;
	return sf_test_mbuf(f, (uint16_t)(l2 + l3 + 8 + l3 + 8));
}

/* Owner of m on a steered port; frees m. */
static int
owner_of(const struct sf_port *pt, struct rte_mbuf *m)
{
	int o = sf_rss_owner(pt, m);

	rte_pktmbuf_free(m);
	return o;
}

static void
test_steer_hash(void)
{
	static const unsigned int nws[] = { 2, 3, 7 };
	uint16_t reta[SF_STEER_RETA_SIZE];
	struct sf_engine *eng;
	struct sf_port *pt;
	unsigned int k, i, n, w, per[7];

	/* Bad ports. */
	eng = sf_test_engine_tcp(NULL);
	SF_CHECK_EQ(sf_engine_steer(eng, 5), -EINVAL);
	SF_CHECK_EQ(sf_engine_steer(eng, RTE_MAX_ETHPORTS), -EINVAL);
	SF_CHECK_EQ(sf_engine_steer(NULL, SF_TEST_PORT), -EINVAL);
	SF_CHECK_EQ(sf_engine_port_steered(eng, 5), -EINVAL);
	sf_engine_free(eng);

	/* The table spreads the flows evenly over every worker. */
	for (k = 0; k < RTE_DIM(nws); k++) {
		eng = steer_engine(nws[k], 0);
		pt = &eng->en_ports[SF_TEST_PORT];
		memset(per, 0, sizeof(per));
		for (i = 0; i < SF_STEER_RETA_SIZE; i++) {
			SF_CHECK(pt->pt_reta[i] < nws[k]);
			if (pt->pt_reta[i] < nws[k])
				per[pt->pt_reta[i]]++;
		}
		for (w = 0; w < nws[k]; w++) {
			SF_CHECK(per[w] >= SF_STEER_RETA_SIZE / nws[k]);
			SF_CHECK(per[w] <= (SF_STEER_RETA_SIZE + nws[k] - 1) /
				nws[k]);
		}
		if (nws[k] != 7)
			sf_engine_free(eng);
	}

	/*
	 * The hash itself: with a table that maps each entry to its own
	 * index, the owner is the low 9 bits of the hash.
	 */
	pt = &eng->en_ports[SF_TEST_PORT];
	memcpy(reta, pt->pt_reta, sizeof(reta));
	for (i = 0; i < SF_STEER_RETA_SIZE; i++)
		pt->pt_reta[i] = (uint16_t)i;
	for (n = 0; n < 300; n++) {
		bool v6 = n % 2;
		uint8_t src[16], dst[16];
		uint16_t sp = (uint16_t)(rnd() | 1), dp = (uint16_t)(rnd() | 1);
		struct sf_flow_key k;
		uint32_t h;
		int o, os;

		for (i = 0; i < 16; i++) {
			src[i] = (uint8_t)rnd();
			dst[i] = (uint8_t)rnd();
		}
		h = ref_hash(v6, src, dst, sp, dp);
		o = owner_of(pt, syn_any(v6, src, dst, sp, dp, n % 3));
		SF_CHECK_EQ(o, h & (SF_STEER_RETA_SIZE - 1));
		/* A flow key hashes as the frames the peer sends on it. */
		memset(&k, 0, sizeof(k));
		k.fk_family = v6 ? AF_INET6 : AF_INET;
		memcpy(k.fk_raddr, src, v6 ? 16 : 4);
		memcpy(k.fk_laddr, dst, v6 ? 16 : 4);
		k.fk_rport = rte_cpu_to_be_16(sp);
		k.fk_lport = rte_cpu_to_be_16(dp);
		SF_CHECK_EQ(sf_rss_flow(&k), h);
		/* The symmetric key: both directions hash alike. */
		SF_CHECK_EQ(ref_hash(v6, dst, src, dp, sp), h);
		os = owner_of(pt, syn_any(v6, dst, src, dp, sp, 0));
		SF_CHECK_EQ(os, o);
		/* An ICMP error about the flow goes to the flow's owner. */
		SF_CHECK_EQ(owner_of(pt, icmp_err_any(v6, src, dst, sp, dp)), o);
		/* Extension headers and IPv4 options move the ports. */
		if (v6)
			o = owner_of(pt, syn_v6_hbh(src, dst, sp, dp));
		else
			o = owner_of(pt, syn_v4_opts(src, dst, sp, dp));
		SF_CHECK_EQ(o, h & (SF_STEER_RETA_SIZE - 1));
		if (o != (int)(h & (SF_STEER_RETA_SIZE - 1)))
			break;
	}
	memcpy(pt->pt_reta, reta, sizeof(reta));

	/* The real table: the owner is reta[hash % size]. */
	for (n = 0; n < 100; n++) {
		bool v6 = n % 2;
		uint16_t sp = (uint16_t)(rnd() | 1);
		const uint8_t *src = v6 ? sf_test_peer_v6 : sf_test_peer_v4;
		const uint8_t *dst = v6 ? sf_test_v6 : sf_test_v4;
		uint32_t h = ref_hash(v6, src, dst, sp, 80);
		int o = owner_of(pt, syn_any(v6, src, dst, sp, 80, 1));

		SF_CHECK_EQ(o, reta[h & (SF_STEER_RETA_SIZE - 1)]);
	}

	/* What is not TCP belongs to no flow: -1 (it stays where it came). */
	SF_CHECK_EQ(owner_of(pt, sf_test_arp_request()), -1);
	SF_CHECK_EQ(owner_of(pt, ip_frame(false, IPPROTO_ICMP, 8, 0)), -1);
	SF_CHECK_EQ(owner_of(pt, ip_frame(false, IPPROTO_UDP, 8, 0)), -1);
	SF_CHECK_EQ(owner_of(pt, ip_frame(false, IPPROTO_UDP, 8, 1)), -1);
	SF_CHECK_EQ(owner_of(pt, ip_frame(true, IPPROTO_UDP, 8, 0)), -1);
	SF_CHECK_EQ(owner_of(pt, ip_frame(true, IPPROTO_ICMPV6, 8, 2)), -1);
	SF_CHECK_EQ(owner_of(pt, v4_fragment(RTE_IPV4_HDR_MF_FLAG)), -1);
	SF_CHECK_EQ(owner_of(pt, v4_fragment(100)), -1);
	SF_CHECK_EQ(owner_of(pt, v6_fragment()), -1);
	/* A TCP header cut before the ports; three VLAN tags. */
	SF_CHECK_EQ(owner_of(pt, ip_frame(false, IPPROTO_TCP, 2, 0)), -1);
	SF_CHECK_EQ(owner_of(pt, syn_any(false, sf_test_peer_v4, sf_test_v4,
		1000, 80, 3)), -1);
	sf_engine_free(eng);
	SF_CHECK_EQ(pool_avail(), sf_test_pool->size);
}

/*
 * 2. Steering inside the engine: worker 0 receives everything on port 0
 * (the only queue), worker 1 owns its share of the flows and sends
 * through worker 0.
 */
#define NFLOWS 24

static struct {
	unsigned int accepts;
	int worker[NFLOWS];             /* ci.worker per flow */
	const struct sf_worker *ctx[NFLOWS];
	struct sf_engine *eng;
} st;

static void
steer_on_accept(struct sf_conn *c, const struct sf_conn_info *ci, void *arg)
{
	unsigned int f = ci->remote_port - 3000u;

	SF_CHECK(arg == &st);
	st.accepts++;
	if (f < NFLOWS) {
		st.worker[f] = (int)ci->worker;
		st.ctx[f] = cur_wk;
	}
	SF_CHECK(cur_wk != NULL && c->cn_wt == &cur_wk->wk_tcp);
}

static int
flow_owner(struct sf_engine *eng, const struct sf_test_client *p)
{
	const uint8_t *src = p->t.v6 ? sf_test_peer_v6 : sf_test_peer_v4;
	const uint8_t *dst = p->t.v6 ? sf_test_v6 : sf_test_v4;
	uint32_t h = ref_hash(p->t.v6, src, dst, p->t.sport, p->t.dport);

	return eng->en_ports[SF_TEST_PORT].pt_reta[h &
		(SF_STEER_RETA_SIZE - 1)];
}

/* A frame as a PMD delivers it: m->port says where it came in. */
static struct rte_mbuf *
rx(struct rte_mbuf *m)
{
	m->port = SF_TEST_PORT;
	return m;
}

static void
test_steer_engine(void)
{
	struct sf_test_client cl[NFLOWS];
	struct rte_mbuf *pkts[NFLOWS + 8];
	struct sf_listener_params lp;
	struct sf_listener_state ls;
	struct sf_worker *w0, *w1;
	struct sf_engine *eng;
	uint64_t tot[SF_CNT_MAX];
	unsigned int i, n, n1 = 0, got[NFLOWS];
	int owner[NFLOWS];
	uint16_t sport;

	eng = steer_engine(2, 0);
	st.eng = eng;
	w0 = sf_engine_worker(eng, 0);
	w1 = sf_engine_worker(eng, 1);
	sf_listener_params_init(&lp);
	lp.port = 80;
	lp.on_accept = steer_on_accept;
	lp.arg = &st;
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 0);

	/* SYNs of NFLOWS flows, all received by worker 0. */
	for (i = 0; i < NFLOWS; i++) {
		sf_test_client_init(&cl[i], i % 3 == 0, (uint16_t)(3000 + i),
			80);
		owner[i] = flow_owner(eng, &cl[i]);
		n1 += owner[i] == 1;
		pkts[i] = rx(sf_test_syn_frame(&cl[i], SF_TOF_MSS));
	}
	SF_CHECK(n1 > 0 && n1 < NFLOWS);
	SF_CHECK_EQ(sf_steer_rx(w0, SF_TEST_PORT, pkts, NFLOWS), NFLOWS);
	SF_CHECK_EQ(cnt(eng, 0, SF_CNT_steer_out), n1);
	SF_CHECK_EQ(cnt(eng, 0, SF_CNT_rx_packets), NFLOWS - n1);
	SF_CHECK_EQ(cnt(eng, 0, SF_CNT_steer_out) +
		cnt(eng, 0, SF_CNT_rx_packets), NFLOWS);
	SF_CHECK_EQ(cnt(eng, 0, SF_CNT_syn_recv), NFLOWS - n1);
	SF_CHECK_EQ(cnt(eng, 0, SF_CNT_drop_steer_ring_full), 0);
	SF_CHECK_EQ(cnt(eng, 1, SF_CNT_rx_packets), 0);
	/* Worker 0's own SYN-ACKs leave on its queue. */
	sf_worker_flush(w0);
	SF_CHECK_EQ(rte_ring_count(tx_ring), NFLOWS - n1);

	/* Worker 1 takes its flows; its SYN-ACKs go to worker 0. */
	SF_CHECK_EQ(sf_steer_poll(w1), n1);
	SF_CHECK_EQ(cnt(eng, 1, SF_CNT_steer_in), n1);
	SF_CHECK_EQ(cnt(eng, 1, SF_CNT_rx_packets), n1);
	SF_CHECK_EQ(cnt(eng, 1, SF_CNT_syn_recv), n1);
	SF_CHECK_EQ(cnt(eng, 1, SF_CNT_synack_sent), n1);
	SF_CHECK_EQ(cnt(eng, 1, SF_CNT_tx_handoff), n1);
	SF_CHECK_EQ(cnt(eng, 1, SF_CNT_tx_packets), 0);
	SF_CHECK_EQ(rte_ring_count(tx_ring), NFLOWS - n1);
	SF_CHECK_EQ(sf_steer_poll(w0), n1);
	sf_worker_flush(w0);
	SF_CHECK_EQ(cnt(eng, 0, SF_CNT_tx_packets), NFLOWS);
	SF_CHECK_EQ(cnt(eng, 0, SF_CNT_tx_dropped), 0);

	/* Every flow got one SYN-ACK, from whichever worker. */
	memset(got, 0, sizeof(got));
	n = wire_take(pkts, RTE_DIM(pkts));
	SF_CHECK_EQ(n, NFLOWS);
	for (i = 0; i < n; i++) {
		struct sf_test_seg r;

		if (SF_TEST_TCP_PARSE(pkts[i], &r) &&
		    r.dport >= 3000 && r.dport < 3000 + NFLOWS) {
			struct sf_test_client *p = &cl[r.dport - 3000];

			SF_CHECK_EQ(r.flags, F_SYN | F_ACK);
			SF_CHECK_EQ(r.ack, p->isn + 1);
			SF_CHECK_EQ(r.v6, p->t.v6);
			p->iss = r.seq;
			got[r.dport - 3000]++;
		} else {
			SF_CHECK(false);
		}
	}
	rte_pktmbuf_free_bulk(pkts, n);
	for (i = 0; i < NFLOWS; i++)
		SF_CHECK_EQ(got[i], 1);
	SF_CHECK_EQ(sf_engine_listener_state(eng, 0, &ls), 0);
	SF_CHECK_EQ(ls.synq, NFLOWS);

	/* The third ACKs follow the SYNs: each completes on its owner. */
	for (i = 0; i < NFLOWS; i++)
		pkts[i] = rx(sf_test_seg_frame(&cl[i], F_ACK, cl[i].isn + 1,
			cl[i].iss + 1, NULL, 0));
	as_worker(w0);
	sf_steer_rx(w0, SF_TEST_PORT, pkts, NFLOWS);
	SF_CHECK_EQ(cnt(eng, 0, SF_CNT_steer_out), 2 * n1);
	SF_CHECK_EQ(cnt(eng, 0, SF_CNT_passive_opens), NFLOWS - n1);
	SF_CHECK_EQ(cnt(eng, 1, SF_CNT_passive_opens), 0);
	as_worker(w1);
	SF_CHECK_EQ(sf_steer_poll(w1), n1);
	SF_CHECK_EQ(cnt(eng, 1, SF_CNT_passive_opens), n1);
	SF_CHECK_EQ(cnt(eng, 1, SF_CNT_accepted), n1);
	SF_CHECK_EQ(cnt(eng, 0, SF_CNT_accepted), NFLOWS - n1);
	SF_CHECK_EQ(st.accepts, NFLOWS);
	for (i = 0; i < NFLOWS; i++) {
		SF_CHECK_EQ(st.worker[i], owner[i]);
		SF_CHECK(st.ctx[i] == sf_engine_worker(eng,
			(unsigned int)owner[i]));
	}
	SF_CHECK_EQ(w0->wk_tcp.wt_conntab.ft_used, NFLOWS - n1);
	SF_CHECK_EQ(w1->wk_tcp.wt_conntab.ft_used, n1);
	SF_CHECK_EQ(sf_engine_listener_state(eng, 0, &ls), 0);
	SF_CHECK_EQ(ls.synq, 0);
	sf_engine_counters(eng, tot);
	SF_CHECK_EQ(tot[SF_CNT_passive_opens], NFLOWS);
	SF_CHECK_EQ(tot[SF_CNT_drop_tcp_no_listener], 0);
	SF_CHECK_EQ(tot[SF_CNT_out_rsts], 0);
	SF_CHECK_EQ(rte_ring_count(tx_ring), 0);

	/* ARP is nobody's flow: answered by the worker that got it. */
	pkts[0] = rx(sf_test_arp_request());
	sf_steer_rx(w0, SF_TEST_PORT, pkts, 1);
	SF_CHECK_EQ(cnt(eng, 0, SF_CNT_arp_replies), 1);
	SF_CHECK_EQ(cnt(eng, 0, SF_CNT_steer_out), 2 * n1);
	sf_worker_flush(w0);
	wire_flush();

	/*
	 * sf_steer_rx() is told the port: a frame whose m->port the PMD
	 * left unset is still port 0's frame on the worker that owns the
	 * flow. Once through sf_steer_rx() directly, once the way the
	 * workers run: received by sf_worker_poll() from the net_ring port
	 * (whose rx burst does not set m->port).
	 */
	for (sport = 3100, n = 0; n < 2; sport++) {
		struct sf_test_client p;

		sf_test_client_init(&p, false, sport, 80);
		if (flow_owner(eng, &p) != 1)
			continue;
		pkts[0] = sf_test_syn_frame(&p, SF_TOF_MSS);
		SF_CHECK_EQ(pkts[0]->port, RTE_MBUF_PORT_INVALID);
		if (n == 0) {
			sf_steer_rx(w0, SF_TEST_PORT, pkts, 1);
		} else {
			SF_CHECK_EQ(rte_ring_enqueue(rx_ring, pkts[0]), 0);
			SF_CHECK_EQ(sf_worker_poll(w0), 1);
		}
		n++;
		SF_CHECK_EQ(cnt(eng, 0, SF_CNT_steer_out), 2 * n1 + n);
		SF_CHECK_EQ(sf_steer_poll(w1), 1);
		SF_CHECK_EQ(cnt(eng, 1, SF_CNT_drop_unknown_port), 0);
		SF_CHECK_EQ(cnt(eng, 1, SF_CNT_syn_recv), n1 + n);
		sf_steer_poll(w0);
		sf_worker_flush(w0);
		wire_flush();
	}

	/*
	 * Left behind for sf_engine_drain(): 2 SYNs in the steering ring
	 * to worker 1, 2 SYN-ACKs in worker 1's tx hand-off ring, one
	 * SYN-ACK in worker 0's tx buffer.
	 */
	n = 0;
	for (sport = 3200; n < 4; sport++) {
		struct sf_test_client p;

		sf_test_client_init(&p, false, sport, 80);
		if (flow_owner(eng, &p) != 1)
			continue;
		pkts[0] = rx(sf_test_syn_frame(&p, SF_TOF_MSS));
		sf_steer_rx(w0, SF_TEST_PORT, pkts, 1);
		if (++n == 2)
			SF_CHECK_EQ(sf_steer_poll(w1), 2);
	}
	for (sport = 3300; ; sport++) {
		struct sf_test_client p;

		sf_test_client_init(&p, false, sport, 80);
		if (flow_owner(eng, &p) != 0)
			continue;
		pkts[0] = rx(sf_test_syn_frame(&p, SF_TOF_MSS));
		sf_steer_rx(w0, SF_TEST_PORT, pkts, 1);
		break;
	}
	SF_CHECK_EQ(pool_avail(), sf_test_pool->size - 5);
	SF_CHECK_EQ(rte_ring_count(tx_ring), 0);
	/* Stopping flushes worker 0's tx buffer; drain empties the rings. */
	sf_worker_stop(w0);
	sf_worker_stop(w1);
	SF_CHECK_EQ(rte_ring_count(tx_ring), 1);
	wire_flush();
	SF_CHECK_EQ(pool_avail(), sf_test_pool->size - 4);
	sf_engine_drain(eng);
	SF_CHECK_EQ(pool_avail(), sf_test_pool->size);
	sf_engine_free(eng);
	SF_CHECK_EQ(pool_avail(), sf_test_pool->size);
	as_worker(NULL);
}

/* Full steering and tx hand-off rings drop, count, and free. */
static void
test_steer_rings_full(void)
{
	struct sf_engine *eng = steer_engine(2, 4);
	struct sf_worker *w0 = sf_engine_worker(eng, 0);
	struct sf_worker *w1 = sf_engine_worker(eng, 1);
	struct sf_listener_params lp;
	struct rte_mbuf *pkts[16];
	unsigned int n0 = 0, n1 = 0, avail;
	uint16_t sport;

	sf_listener_params_init(&lp);
	lp.port = 80;
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 0);
	/* 10 SYNs for worker 1, 6 for worker 0, in one burst. */
	for (sport = 4000; n0 + n1 < 16; sport++) {
		struct sf_test_client p;
		int o;

		sf_test_client_init(&p, false, sport, 80);
		o = flow_owner(eng, &p);
		if ((o == 1 && n1 == 10) || (o == 0 && n0 == 6))
			continue;
		pkts[n0 + n1] = rx(sf_test_syn_frame(&p, SF_TOF_MSS));
		if (o == 1)
			n1++;
		else
			n0++;
	}
	avail = pool_avail();
	sf_steer_rx(w0, SF_TEST_PORT, pkts, 16);
	SF_CHECK_EQ(cnt(eng, 0, SF_CNT_steer_out), 4);
	SF_CHECK_EQ(cnt(eng, 0, SF_CNT_drop_steer_ring_full), 6);
	SF_CHECK_EQ(cnt(eng, 0, SF_CNT_syn_recv), 6);
	/* The 6 dropped are back in the pool; 4 wait in the ring, 6 replies
	 * in worker 0's tx buffer. */
	SF_CHECK_EQ(pool_avail(), avail + 6);
	SF_CHECK_EQ(sf_steer_poll(w1), 4);
	SF_CHECK_EQ(cnt(eng, 1, SF_CNT_syn_recv), 4);
	SF_CHECK_EQ(cnt(eng, 1, SF_CNT_tx_handoff), 4);

	/* Four more for worker 1: its hand-off ring is full now. */
	n1 = 0;
	for (sport = 5000; n1 < 4; sport++) {
		struct sf_test_client p;

		sf_test_client_init(&p, false, sport, 80);
		if (flow_owner(eng, &p) != 1)
			continue;
		pkts[n1++] = rx(sf_test_syn_frame(&p, SF_TOF_MSS));
	}
	avail = pool_avail();
	sf_steer_rx(w0, SF_TEST_PORT, pkts, 4);
	SF_CHECK_EQ(cnt(eng, 0, SF_CNT_steer_out), 8);
	SF_CHECK_EQ(cnt(eng, 0, SF_CNT_drop_steer_ring_full), 6);
	SF_CHECK_EQ(sf_steer_poll(w1), 4);
	SF_CHECK_EQ(cnt(eng, 1, SF_CNT_syn_recv), 8);
	SF_CHECK_EQ(cnt(eng, 1, SF_CNT_tx_handoff), 4);
	SF_CHECK_EQ(cnt(eng, 1, SF_CNT_tx_handoff_dropped), 4);
	SF_CHECK_EQ(pool_avail(), avail + 4);
	/* Worker 0 sends the 4 handed off and its own 6. */
	SF_CHECK_EQ(sf_steer_poll(w0), 4);
	sf_worker_flush(w0);
	SF_CHECK_EQ(rte_ring_count(tx_ring), 10);
	SF_CHECK_EQ(cnt(eng, 0, SF_CNT_tx_packets), 10);
	engine_end(eng);
}

/*
 * 3. Run-time listeners: removal purges requests and queued connections,
 * ids come back only after two grace periods and when nothing counts on
 * them, settings change in place.
 */
static struct {
	unsigned int accepts;
	struct sf_conn *c;
} rl;

static void
rl_on_accept(struct sf_conn *c, const struct sf_conn_info *ci, void *arg)
{
	rl.accepts++;
	rl.c = c;
}

static struct sf_listener_params
lp_port(uint16_t port, sf_on_accept_t on_accept)
{
	struct sf_listener_params lp;

	sf_listener_params_init(&lp);
	lp.port = port;
	lp.on_accept = on_accept;
	return lp;
}

/* SYN, checked as a new request of worker 0. */
static void
do_syn(struct sf_engine *eng, struct sf_test_client *p)
{
	as_worker(sf_engine_worker(eng, 0));
	sf_test_do_syn(eng, p, SF_TOF_MSS);
}

static struct rte_mbuf *
ack_frame(const struct sf_test_client *p, const void *data, uint16_t len)
{
	return sf_test_seg_frame(p, F_ACK, p->isn + 1, p->iss + 1, data, len);
}

/* One segment the engine originated (sf_test_tx), parsed. */
static bool
hook_seg(unsigned int i, struct sf_test_seg *r)
{
	if (i >= sf_test_tx_n) {
		fprintf(stderr, "no frame %u captured (%u)\n", i, sf_test_tx_n);
		return false;
	}
	return SF_TEST_TCP_PARSE(sf_test_tx[i], r);
}

static void
test_listener_remove(void)
{
	struct sf_engine *eng = sf_test_engine_tcp(NULL);
	struct sf_worker *w = sf_engine_worker(eng, 0);
	struct sf_listener_params lp, out;
	struct sf_listener_state ls;
	struct sf_listener *l0;
	struct sf_test_client p[6];
	struct sf_test_snap snap;
	struct sf_test_seg r;
	struct sf_addr any;
	struct rte_mbuf *m;
	unsigned int i, rst[2] = { 0, 0 };

	memset(&any, 0, sizeof(any));
	as_worker(w);
	/* The worker polls: it reports to the engine's RCU from now on. */
	sf_worker_sync(w);
	lp = lp_port(80, NULL);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 0);
	l0 = &eng->en_tcp.et_listeners[0];
	SF_CHECK_EQ(sf_engine_listener_find(eng, &any, 80), 0);

	/* Five requests; two complete and wait in the accept queue. */
	for (i = 0; i < 5; i++) {
		sf_test_client_init(&p[i], i % 2, (uint16_t)(6000 + i), 80);
		do_syn(eng, &p[i]);
	}
	for (i = 0; i < 2; i++)
		SF_CHECK_INPUTV(eng, ack_frame(&p[i], NULL, 0),
			SF_VERDICT_DONE, SF_CNT_tcp_segments,
			SF_CNT_tcp_absorbed, SF_CNT_passive_opens);
	SF_CHECK_EQ(sf_engine_listener_state(eng, 0, &ls), 0);
	SF_CHECK_EQ(ls.synq, 3);
	SF_CHECK_EQ(ls.acceptq, 2);
	SF_CHECK_EQ(ls.cnt[SF_LCNT_syn_recv], 5);

	/* Removed: gone from every lookup at once. */
	SF_CHECK_EQ(sf_engine_unlisten(eng, 0), 0);
	SF_CHECK_EQ(sf_engine_unlisten(eng, 0), -ENOENT);
	SF_CHECK_EQ(sf_engine_unlisten(eng, 40), -ENOENT);
	SF_CHECK_EQ(sf_engine_listener_get(eng, 0, &out), -ENOENT);
	SF_CHECK_EQ(sf_engine_listener_state(eng, 0, &ls), -ENOENT);
	SF_CHECK_EQ(sf_engine_listener_find(eng, &any, 80), -ENOENT);
	SF_CHECK_EQ(sf_engine_listen_update(eng, 0, &lp), -ENOENT);
	/* A new SYN meets no listener: RST|ACK. */
	sf_test_client_init(&p[5], false, 6010, 80);
	m = SF_CHECK_INPUTV(eng, sf_test_syn_frame(&p[5], SF_TOF_MSS),
		SF_VERDICT_TX, SF_CNT_tcp_segments, SF_CNT_tcp_replied,
		SF_CNT_out_rsts);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
		SF_CHECK_EQ(r.flags, F_RST | F_ACK);
		SF_CHECK_EQ(r.ack, p[5].isn + 1);
	}
	rte_pktmbuf_free(m);
	/* First grace period not over: the id is not reused. */
	lp = lp_port(81, NULL);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 1);

	/*
	 * The worker's next poll drops the requests, resets the queue. It
	 * ends the first grace period; the second ends with the poll after
	 * it, so the id is not free yet.
	 */
	sf_test_tx_flush();
	sf_test_snap(eng, &snap);
	sf_worker_sync(w);
	SF_CHECK_MOVED(eng, &snap, SF_CNT_listener_purged_reqs,
		SF_CNT_listener_purged_reqs, SF_CNT_listener_purged_reqs,
		SF_CNT_listener_purged_conns, SF_CNT_listener_purged_conns,
		SF_CNT_out_rsts, SF_CNT_out_rsts);
	SF_CHECK_EQ(sf_test_tx_n, 2);
	for (i = 0; i < sf_test_tx_n && i < 2; i++) {
		if (!hook_seg(i, &r))
			continue;
		SF_CHECK_EQ(r.flags, F_RST | F_ACK);
		if (r.dport == 6000 || r.dport == 6001) {
			const struct sf_test_client *q = &p[r.dport - 6000];

			rst[r.dport - 6000]++;
			SF_CHECK_EQ(r.seq, q->iss + 1);
			SF_CHECK_EQ(r.ack, q->isn + 1);
			SF_CHECK_EQ(r.v6, q->t.v6);
		}
	}
	SF_CHECK_EQ(rst[0], 1);
	SF_CHECK_EQ(rst[1], 1);
	sf_test_tx_flush();
	SF_CHECK_EQ(__atomic_load_n(&l0->ls_synq, __ATOMIC_RELAXED), 0);
	SF_CHECK_EQ(__atomic_load_n(&l0->ls_acceptq, __ATOMIC_RELAXED), 0);
	SF_CHECK_EQ(w->wk_tcp.wt_reqtab.ft_used, 0);
	SF_CHECK_EQ(w->wk_tcp.wt_conntab.ft_used, 0);
	SF_CHECK_EQ(w->wk_tcp.wt_aq[0].aq_head, SF_TW_NONE);
	SF_CHECK_EQ(w->wk_tcp.wt_lconns[0], 0);
	/* A purged request's ACK meets no listener: RST <SEQ=SEG.ACK>. */
	m = SF_CHECK_INPUTV(eng, ack_frame(&p[2], NULL, 0), SF_VERDICT_TX,
		SF_CNT_tcp_segments, SF_CNT_tcp_replied, SF_CNT_out_rsts);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
		SF_CHECK_EQ(r.flags, F_RST);
		SF_CHECK_EQ(r.seq, p[2].iss + 1);
	}
	rte_pktmbuf_free(m);
	SF_CHECK_EQ(l0->ls_state, SF_LS_CLOSING);
	/* The next poll: nothing more to purge (once per removal). */
	sf_test_snap(eng, &snap);
	sf_worker_sync(w);
	SF_CHECK_MOVED(eng, &snap, SF_CNT_MAX);
	/*
	 * The grace period is over (the worker polled after the removal)
	 * and nothing counts on id 0 any more: the next listen takes it.
	 */
	lp = lp_port(83, NULL);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 0);
	/* The same address and port listen again, on a new id. */
	lp = lp_port(80, NULL);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 2);
	SF_CHECK_EQ(sf_engine_listener_find(eng, &any, 80), 2);
	SF_CHECK_EQ(sf_engine_listener_count(eng), 3);
	/* The reused id starts with fresh counters and works. */
	SF_CHECK_EQ(sf_engine_listener_state(eng, 0, &ls), 0);
	SF_CHECK_EQ(ls.cnt[SF_LCNT_syn_recv], 0);
	SF_CHECK_EQ(ls.cnt[SF_LCNT_passive_opens], 0);
	SF_CHECK_EQ(ls.synq, 0);
	SF_CHECK_EQ(ls.acceptq, 0);
	SF_CHECK_EQ(sf_engine_listener_get(eng, 0, &out), 0);
	SF_CHECK_EQ(out.port, 83);
	sf_test_client_init(&p[0], false, 6020, 83);
	do_syn(eng, &p[0]);
	sf_test_client_init(&p[1], true, 6021, 80);
	do_syn(eng, &p[1]);
	SF_CHECK_EQ(sf_engine_listener_state(eng, 0, &ls), 0);
	SF_CHECK_EQ(ls.synq, 1);
	SF_CHECK_EQ(sf_engine_listener_state(eng, 2, &ls), 0);
	SF_CHECK_EQ(ls.synq, 1);
	SF_CHECK_EQ(ls.cnt[SF_LCNT_syn_recv], 1);
	sf_test_tx_flush();
	sf_engine_free(eng);
	SF_CHECK_EQ(pool_avail(), sf_test_pool->size);
	as_worker(NULL);
}

/* An accepted connection keeps its removed listener's id taken. */
static void
test_listener_id_held(void)
{
	struct sf_engine *eng = sf_test_engine_tcp(NULL);
	struct sf_worker *w = sf_engine_worker(eng, 0);
	struct sf_listener_params lp;
	struct sf_test_client p;
	struct sf_test_snap snap;
	struct sf_test_seg r;
	struct rte_mbuf *m;
	unsigned int i, nfill = 0;
	int id, x;

	as_worker(w);
	sf_worker_sync(w);
	lp = lp_port(80, NULL);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 0);
	lp = lp_port(90, rl_on_accept);
	x = sf_engine_listen(eng, &lp);
	SF_CHECK_EQ(x, 1);
	memset(&rl, 0, sizeof(rl));
	sf_test_client_init(&p, false, 7000, 90);
	do_syn(eng, &p);
	SF_CHECK_INPUTV(eng, ack_frame(&p, NULL, 0), SF_VERDICT_DONE,
		SF_CNT_tcp_segments, SF_CNT_tcp_absorbed, SF_CNT_passive_opens,
		SF_CNT_accepted);
	SF_CHECK_EQ(rl.accepts, 1);
	if (rl.c == NULL)
		goto out;

	SF_CHECK_EQ(sf_engine_unlisten(eng, 1), 0);
	sf_test_snap(eng, &snap);
	for (i = 0; i < 3; i++)
		sf_worker_sync(w);
	/* Accepted connections stay (close() of a listener spares them). */
	SF_CHECK_MOVED(eng, &snap, SF_CNT_MAX);
	SF_CHECK_EQ(rl.c->cn_state, SF_CS_ESTABLISHED);
	SF_CHECK_EQ(w->wk_tcp.wt_lconns[1], 1);
	/* ... and still work: data is acknowledged. */
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, p.isn + 1,
		p.iss + 1, "abc", 3), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
		SF_CHECK_EQ(r.flags, F_ACK);
		SF_CHECK_EQ(r.ack, p.isn + 4);
	}
	rte_pktmbuf_free(m);
	/* Grace periods are over, the connection still counts: new ids. */
	lp = lp_port(91, NULL);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 2);
	for (i = 0; ; i++) {
		lp = lp_port((uint16_t)(1000 + i), NULL);
		id = sf_engine_listen(eng, &lp);
		if (id < 0)
			break;
		SF_CHECK(id != x);
		nfill++;
	}
	SF_CHECK_EQ(id, -ENOSPC);
	SF_CHECK_EQ(nfill, SF_MAX_LISTENERS - 3);
	SF_CHECK_EQ(sf_engine_listener_count(eng), SF_MAX_LISTENERS);
	/* The connection goes: the id is free again. */
	SF_CHECK_EQ(sf_conn_reset(rl.c), 0);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (hook_seg(0, &r))
		SF_CHECK_EQ(r.flags, F_RST | F_ACK);
	sf_test_tx_flush();
	SF_CHECK_EQ(w->wk_tcp.wt_lconns[1], 0);
	/*
	 * Both grace periods passed long ago (three polls since the
	 * unlisten), nothing counts on the id: it is free now.
	 */
	lp = lp_port(2000, NULL);
	id = sf_engine_listen(eng, &lp);
	SF_CHECK_EQ(id, x);
	if (id == -ENOSPC) {
		/* How late: one more poll of the worker frees it. */
		sf_worker_sync(w);
		id = sf_engine_listen(eng, &lp);
		SF_CHECK_EQ(id, x);
	}
	lp = lp_port(2001, NULL);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), -ENOSPC);
out:
	sf_test_tx_flush();
	sf_engine_free(eng);
	SF_CHECK_EQ(pool_avail(), sf_test_pool->size);
	as_worker(NULL);
}

static void
test_listen_update(void)
{
	struct sf_engine_params ep = { .nb_workers = 1,
		.socket_id = SOCKET_ID_ANY, .max_requests = 64,
		.max_conns = 64, .somaxconn = 128 };
	struct sf_engine *eng = sf_test_engine_tcp(&ep);
	struct sf_listener_params lp, up, out;
	struct sf_listener_state ls;
	struct sf_test_client p[3];
	unsigned int i;

	as_worker(sf_engine_worker(eng, 0));
	lp = lp_port(80, NULL);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 0);
	SF_CHECK_EQ(sf_engine_listener_get(eng, 0, &out), 0);
	SF_CHECK_EQ(out.backlog, 128);

	up = lp;
	up.backlog = 100000;
	up.port = 1234;            /* ignored: the address and port stay */
	up.window = 4000;
	up.syn_backlog = 7;
	SF_CHECK_EQ(sf_engine_listen_update(eng, 0, &up), 0);
	SF_CHECK_EQ(sf_engine_listener_get(eng, 0, &out), 0);
	SF_CHECK_EQ(out.backlog, 128);
	SF_CHECK_EQ(out.port, 80);
	SF_CHECK_EQ(out.window, 4000);
	SF_CHECK_EQ(out.syn_backlog, 7);

	/* Bad values change nothing. */
#define BAD(field, val) do { \
	struct sf_listener_params _b = up; \
	_b.field = (val); \
	SF_CHECK_EQ(sf_engine_listen_update(eng, 0, &_b), -EINVAL); \
} while (0)
	BAD(wscale, 15);
	BAD(window, 0);
	BAD(syn_backlog, 0);
	BAD(synack_timeout_ms, 0);
	BAD(synack_timeout_ms, 120001);
	BAD(syncookies, 3);
	BAD(mss, 87);
	BAD(defer_accept, 3601);
#undef BAD
	SF_CHECK_EQ(sf_engine_listen_update(eng, 0, NULL), -EINVAL);
	SF_CHECK_EQ(sf_engine_listen_update(NULL, 0, &up), -EINVAL);
	SF_CHECK_EQ(sf_engine_listen_update(eng, 1, &up), -ENOENT);
	SF_CHECK_EQ(sf_engine_listen_update(eng, SF_MAX_LISTENERS, &up),
		-ENOENT);
	SF_CHECK_EQ(sf_engine_listener_get(eng, 0, &out), 0);
	SF_CHECK_EQ(out.window, 4000);
	SF_CHECK_EQ(out.wscale, 7);
	SF_CHECK_EQ(out.backlog, 128);

	/* The new settings apply to the next segment: backlog 0 holds 1. */
	up.backlog = 0;
	up.window = 65535;
	SF_CHECK_EQ(sf_engine_listen_update(eng, 0, &up), 0);
	for (i = 0; i < 3; i++)
		sf_test_client_init(&p[i], false, (uint16_t)(7100 + i), 80);
	do_syn(eng, &p[0]);
	SF_CHECK_INPUTV(eng, ack_frame(&p[0], NULL, 0), SF_VERDICT_DONE,
		SF_CNT_tcp_segments, SF_CNT_tcp_absorbed, SF_CNT_passive_opens);
	SF_CHECK_INPUTV(eng, sf_test_syn_frame(&p[1], SF_TOF_MSS),
		SF_VERDICT_DROP, SF_CNT_tcp_segments, SF_CNT_listen_overflows,
		SF_CNT_listen_drops, SF_CNT_drop_tcp_syn_overflow);
	up.backlog = 1;
	SF_CHECK_EQ(sf_engine_listen_update(eng, 0, &up), 0);
	do_syn(eng, &p[1]);
	SF_CHECK_EQ(sf_engine_listener_state(eng, 0, &ls), 0);
	SF_CHECK_EQ(ls.acceptq, 1);
	SF_CHECK_EQ(ls.synq, 1);
	sf_test_tx_flush();
	sf_engine_free(eng);
	SF_CHECK_EQ(pool_avail(), sf_test_pool->size);
	as_worker(NULL);
}

/*
 * 4. Application contexts: on_accept and on_close run on the
 * application context, closes and resets come back over command rings.
 */
/* One worker and one application context with accept rings of 2. */
static const struct sf_engine_params app_ep = { .nb_workers = 1,
	.nb_apps = 1, .socket_id = SOCKET_ID_ANY, .max_requests = 64,
	.max_conns = 64, .accept_ring_size = 2 };

enum { ACT_NONE, ACT_CLOSE, ACT_RESET };

static struct {
	unsigned int accepts;
	unsigned int closes[SF_CLOSE_MAX];
	struct sf_conn *c;
	struct sf_conn_info ci;
	char data[64];
	const struct sf_app_ctx *accept_ctx, *close_ctx;
	int on_accept;
	int on_peer_fin;
	int ret;
} ap;

static void
app_on_accept(struct sf_conn *c, const struct sf_conn_info *ci, void *arg)
{
	SF_CHECK(arg == &ap);
	ap.accepts++;
	ap.c = c;
	ap.ci = *ci;
	memset(ap.data, 0, sizeof(ap.data));
	if (ci->data != NULL && ci->data_len < sizeof(ap.data))
		memcpy(ap.data, ci->data, ci->data_len);
	ap.accept_ctx = RTE_PER_LCORE(sf_app_cur);
	if (ap.on_accept == ACT_CLOSE)
		ap.ret = sf_conn_close(c);
	else if (ap.on_accept == ACT_RESET)
		ap.ret = sf_conn_reset(c);
}

static void
app_on_close(struct sf_conn *c, enum sf_close_reason why, void *arg)
{
	SF_CHECK(arg == &ap);
	ap.closes[why]++;
	ap.close_ctx = RTE_PER_LCORE(sf_app_cur);
	if (why == SF_CLOSE_PEER_FIN && ap.on_peer_fin == ACT_CLOSE)
		ap.ret = sf_conn_close(c);
}

/*
 * The handshake of p (from sport to dport) on worker 0, handed to the
 * application context.
 */
static void
app_open_to(struct sf_engine *eng, struct sf_test_client *p, uint16_t sport,
		uint16_t dport)
{
	sf_test_client_init(p, sport % 2, sport, dport);
	do_syn(eng, p);
	SF_CHECK_INPUTV(eng, ack_frame(p, NULL, 0), SF_VERDICT_DONE,
		SF_CNT_tcp_segments, SF_CNT_tcp_absorbed, SF_CNT_passive_opens,
		SF_CNT_app_handoffs);
}

/* The same to port 80. */
static void
app_open(struct sf_engine *eng, struct sf_test_client *p, uint16_t sport)
{
	app_open_to(eng, p, sport, 80);
}

static void
test_app(void)
{
	struct sf_engine *eng = sf_test_engine_tcp(&app_ep);
	struct sf_worker *w = sf_engine_worker(eng, 0);
	struct sf_app_ctx *a = sf_engine_app(eng, 0);
	const unsigned int ai = sf_engine_worker_count(eng);
	struct sf_listener_params lp;
	struct sf_listener_state ls;
	struct sf_test_client p, q, d[3];
	struct sf_test_snap snap;
	struct sf_test_seg r;
	struct sf_conn *c;
	unsigned int i, avail;
	int id;

	SF_CHECK(a != NULL);
	SF_CHECK_EQ(a->ac_idx, 1);
	SF_CHECK_EQ(ai, 1);
	SF_CHECK_EQ(sf_engine_app_count(eng), 1);
	SF_CHECK(sf_engine_app(eng, 1) == NULL);
	SF_CHECK_EQ(sf_engine_context_count(eng), 2);
	memset(&ap, 0, sizeof(ap));
	sf_listener_params_init(&lp);
	lp.port = 80;
	lp.on_accept = app_on_accept;
	lp.on_close = app_on_close;
	lp.arg = &ap;
	id = sf_engine_listen(eng, &lp);
	SF_CHECK_EQ(id, 0);

	/* The handshake with data completes on the worker... */
	memset(&p, 0, sizeof(p));
	sf_test_client_init(&p, false, 8000, 80);
	do_syn(eng, &p);
	SF_CHECK_INPUTV(eng, ack_frame(&p, "hello", 5), SF_VERDICT_KEPT,
		SF_CNT_tcp_segments, SF_CNT_tcp_absorbed, SF_CNT_passive_opens,
		SF_CNT_app_handoffs, SF_CNT_third_ack_data,
		SF_CNT_third_ack_data_bytes, SF_CNT_third_ack_data_bytes,
		SF_CNT_third_ack_data_bytes, SF_CNT_third_ack_data_bytes,
		SF_CNT_third_ack_data_bytes);
	/* ... which acknowledges the data itself. */
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (hook_seg(0, &r)) {
		SF_CHECK_EQ(r.flags, F_ACK);
		SF_CHECK_EQ(r.seq, p.iss + 1);
		SF_CHECK_EQ(r.ack, p.isn + 6);
	}
	sf_test_tx_flush();
	SF_CHECK_EQ(ap.accepts, 0);
	SF_CHECK_EQ(cnt(eng, 0, SF_CNT_accepted), 0);
	SF_CHECK_EQ(sf_engine_listener_state(eng, id, &ls), 0);
	SF_CHECK_EQ(ls.acceptq, 1);

	/* on_accept runs in sf_app_poll(), on the application context. */
	ap.on_accept = ACT_CLOSE;
	ap.ret = 99;
	SF_CHECK_EQ(sf_app_poll(a), 1);
	SF_CHECK_EQ(ap.accepts, 1);
	SF_CHECK(ap.accept_ctx == a);
	SF_CHECK_EQ(ap.ci.local_port, 80);
	SF_CHECK_EQ(ap.ci.remote_port, 8000);
	SF_CHECK_EQ(ap.ci.iss, p.iss);
	SF_CHECK_EQ(ap.ci.irs, p.isn);
	SF_CHECK_EQ(ap.ci.data_len, 5);
	SF_CHECK(memcmp(ap.data, "hello", 5) == 0);
	SF_CHECK_EQ(ap.ci.worker, 0);
	SF_CHECK_EQ(ap.ci.listener, id);
	SF_CHECK_EQ(ap.ci.remote.family, AF_INET);
	SF_CHECK(memcmp(&ap.ci.remote.v4, sf_test_peer_v4, 4) == 0);
	SF_CHECK(memcmp(&ap.ci.local.v4, sf_test_v4, 4) == 0);
	SF_CHECK_EQ(sf_engine_listener_state(eng, id, &ls), 0);
	SF_CHECK_EQ(ls.acceptq, 0);
	SF_CHECK_EQ(ls.cnt[SF_LCNT_accepted], 1);
	SF_CHECK_EQ(cnt(eng, ai, SF_CNT_accepted), 1);
	SF_CHECK_EQ(cnt(eng, 0, SF_CNT_accepted), 0);
	/* The close from on_accept was only queued for the worker. */
	SF_CHECK_EQ(ap.ret, 0);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	c = ap.c;
	SF_CHECK_EQ(c->cn_state, SF_CS_ESTABLISHED);
	SF_CHECK_EQ(sf_app_poll(a), 0);
	as_worker(w);
	sf_test_snap(eng, &snap);
	SF_CHECK_EQ(sf_app_cmd_poll(w->wk_app), 1);
	SF_CHECK_MOVED(eng, &snap, SF_CNT_app_cmds, SF_CNT_app_closes);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (hook_seg(0, &r)) {
		SF_CHECK_EQ(r.flags, F_FIN | F_ACK);
		SF_CHECK_EQ(r.seq, p.iss + 1);
		SF_CHECK_EQ(r.ack, p.isn + 6);
	}
	sf_test_tx_flush();
	SF_CHECK_EQ(c->cn_state, SF_CS_FIN_WAIT_1);
	SF_CHECK_EQ(sf_app_cmd_poll(w->wk_app), 0);
	/* The peer's FIN+ACK: TIME-WAIT; its end reaches on_close. */
	rte_pktmbuf_free(SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p,
		F_ACK | F_FIN, p.isn + 6, p.iss + 2, NULL, 0), SF_VERDICT_TX,
		SF_CNT_tcp_segments, SF_CNT_tcp_replied));
	SF_CHECK_EQ(c->cn_state, SF_CS_TIME_WAIT);
	sf_test_snap(eng, &snap);
	sf_worker_clock(w, w->wk_tcp.wt_net.nt_now + 2001);
	SF_CHECK_MOVED(eng, &snap, SF_CNT_conn_closed, SF_CNT_app_events);
	SF_CHECK_EQ(ap.closes[SF_CLOSE_DONE], 0);
	SF_CHECK_EQ(sf_app_poll(a), 1);
	SF_CHECK_EQ(ap.closes[SF_CLOSE_DONE], 1);
	SF_CHECK(ap.close_ctx == a);

	/* A close that crosses the peer's RST is stale on the worker. */
	ap.on_accept = ACT_NONE;
	memset(&q, 0, sizeof(q));
	app_open(eng, &q, 8001);
	SF_CHECK_EQ(sf_app_poll(a), 1);
	SF_CHECK_EQ(ap.accepts, 2);
	c = ap.c;
	as_worker(w);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&q, F_RST, q.isn + 1, 0, NULL,
		0), SF_VERDICT_DONE, SF_CNT_tcp_segments, SF_CNT_tcp_absorbed,
		SF_CNT_conn_resets, SF_CNT_app_events);
	as_app(a);
	SF_CHECK_EQ(sf_conn_close(c), 0);
	as_worker(w);
	sf_test_snap(eng, &snap);
	SF_CHECK_EQ(sf_app_cmd_poll(w->wk_app), 1);
	SF_CHECK_MOVED(eng, &snap, SF_CNT_app_cmds_stale);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	SF_CHECK_EQ(ap.closes[SF_CLOSE_RESET], 0);
	SF_CHECK_EQ(sf_app_poll(a), 1);
	SF_CHECK_EQ(ap.closes[SF_CLOSE_RESET], 1);
	SF_CHECK(ap.close_ctx == a);
	/* The handle is gone for the application now. */
	SF_CHECK_EQ(sf_conn_close(c), -ENOTCONN);
	SF_CHECK_EQ(sf_conn_reset(c), -ENOTCONN);

	/* The peer's FIN reaches on_close, which closes: LAST-ACK, done. */
	ap.on_peer_fin = ACT_CLOSE;
	app_open(eng, &q, 8002);
	SF_CHECK_EQ(sf_app_poll(a), 1);
	c = ap.c;
	as_worker(w);
	rte_pktmbuf_free(SF_CHECK_INPUTV(eng, sf_test_seg_frame(&q,
		F_ACK | F_FIN, q.isn + 1, q.iss + 1, NULL, 0), SF_VERDICT_TX,
		SF_CNT_tcp_segments, SF_CNT_tcp_replied, SF_CNT_app_events));
	SF_CHECK_EQ(c->cn_state, SF_CS_CLOSE_WAIT);
	ap.ret = 99;
	SF_CHECK_EQ(sf_app_poll(a), 1);
	SF_CHECK_EQ(ap.closes[SF_CLOSE_PEER_FIN], 1);
	SF_CHECK(ap.close_ctx == a);
	SF_CHECK_EQ(ap.ret, 0);
	as_worker(w);
	sf_test_snap(eng, &snap);
	SF_CHECK_EQ(sf_app_cmd_poll(w->wk_app), 1);
	SF_CHECK_MOVED(eng, &snap, SF_CNT_app_cmds, SF_CNT_app_closes);
	SF_CHECK_EQ(c->cn_state, SF_CS_LAST_ACK);
	if (hook_seg(0, &r)) {
		SF_CHECK_EQ(r.flags, F_FIN | F_ACK);
		SF_CHECK_EQ(r.seq, q.iss + 1);
		SF_CHECK_EQ(r.ack, q.isn + 2);
	}
	sf_test_tx_flush();
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&q, F_ACK, q.isn + 2,
		q.iss + 2, NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_conn_closed, SF_CNT_app_events);
	SF_CHECK_EQ(sf_app_poll(a), 1);
	SF_CHECK_EQ(ap.closes[SF_CLOSE_DONE], 2);
	ap.on_peer_fin = ACT_NONE;

	/*
	 * The accept ring (2 places) is full: the third ACK is dropped as
	 * on an overflow, the request stays, the retransmitted ACK
	 * completes once there is room. As on an overflow, no handshake
	 * completed: passive_opens moves once, when the retransmitted ACK
	 * makes the connection.
	 */
	for (i = 0; i < 3; i++) {
		memset(&d[i], 0, sizeof(d[i]));
		if (i < 2)
			app_open(eng, &d[i], (uint16_t)(8010 + i));
	}
	sf_test_client_init(&d[2], false, 8012, 80);
	do_syn(eng, &d[2]);
	SF_CHECK_INPUTV(eng, ack_frame(&d[2], NULL, 0), SF_VERDICT_DROP,
		SF_CNT_tcp_segments, SF_CNT_listen_drops,
		SF_CNT_drop_tcp_accept_ring_full);
	SF_CHECK_EQ(w->wk_tcp.wt_reqtab.ft_used, 1);
	SF_CHECK_EQ(w->wk_tcp.wt_conntab.ft_used, 2);
	SF_CHECK_EQ(w->wk_tcp.wt_lconns[id], 2);
	SF_CHECK_EQ(sf_engine_listener_state(eng, id, &ls), 0);
	SF_CHECK_EQ(ls.acceptq, 2);
	SF_CHECK_EQ(ls.synq, 1);
	SF_CHECK_EQ(sf_app_poll(a), 2);
	SF_CHECK_EQ(sf_engine_listener_state(eng, id, &ls), 0);
	SF_CHECK_EQ(ls.acceptq, 0);
	as_worker(w);
	SF_CHECK_INPUTV(eng, ack_frame(&d[2], NULL, 0), SF_VERDICT_DONE,
		SF_CNT_tcp_segments, SF_CNT_tcp_absorbed, SF_CNT_passive_opens,
		SF_CNT_app_handoffs);
	SF_CHECK_EQ(sf_app_poll(a), 1);
	SF_CHECK_EQ(ap.ci.remote_port, 8012);
	SF_CHECK_EQ(w->wk_tcp.wt_reqtab.ft_used, 0);
	SF_CHECK_EQ(cnt(eng, ai, SF_CNT_accepted), 6);

	/*
	 * The listener goes while a connection waits in the accept ring:
	 * the application context resets it instead of accepting it.
	 */
	app_open(eng, &q, 8020);
	SF_CHECK_EQ(sf_engine_unlisten(eng, id), 0);
	i = ap.accepts;
	SF_CHECK_EQ(sf_app_poll(a), 1);
	SF_CHECK_EQ(ap.accepts, i);
	SF_CHECK_EQ(cnt(eng, ai, SF_CNT_accept_listener_gone), 1);
	SF_CHECK_EQ(__atomic_load_n(&eng->en_tcp.et_listeners[id].ls_acceptq,
		__ATOMIC_RELAXED), 0);
	as_worker(w);
	sf_test_snap(eng, &snap);
	SF_CHECK_EQ(sf_app_cmd_poll(w->wk_app), 1);
	SF_CHECK_MOVED(eng, &snap, SF_CNT_app_cmds, SF_CNT_app_resets,
		SF_CNT_out_rsts);
	if (hook_seg(0, &r)) {
		SF_CHECK_EQ(r.flags, F_RST | F_ACK);
		SF_CHECK_EQ(r.dport, 8020);
		SF_CHECK_EQ(r.seq, q.iss + 1);
	}
	sf_test_tx_flush();
	/* The three accepted ones stay; nothing queued to purge. */
	sf_test_snap(eng, &snap);
	sf_worker_sync(w);
	SF_CHECK_MOVED(eng, &snap, SF_CNT_MAX);
	SF_CHECK_EQ(w->wk_tcp.wt_lconns[id], 3);

	/* Data of a connection still in the accept ring: drained. */
	lp.port = 81;
	id = sf_engine_listen(eng, &lp);
	SF_CHECK_EQ(id, 1);
	sf_test_client_init(&q, true, 8030, 81);
	do_syn(eng, &q);
	SF_CHECK_INPUTV(eng, ack_frame(&q, "xyz", 3), SF_VERDICT_KEPT,
		SF_CNT_tcp_segments, SF_CNT_tcp_absorbed, SF_CNT_passive_opens,
		SF_CNT_app_handoffs, SF_CNT_third_ack_data,
		SF_CNT_third_ack_data_bytes, SF_CNT_third_ack_data_bytes,
		SF_CNT_third_ack_data_bytes);
	sf_test_tx_flush();
	avail = pool_avail();
	SF_CHECK_EQ(avail, sf_test_pool->size - 1);
	engine_end(eng);
}

/*
 * A connection whose listener went while it waited in the accept ring,
 * when the command ring back to the worker is full: the reset the
 * application context owes it must not be lost.
 */
static void
test_app_gone_cmd_full(void)
{
	struct sf_engine *eng = sf_test_engine_tcp(&app_ep);
	struct sf_worker *w = sf_engine_worker(eng, 0);
	struct sf_app_ctx *a = sf_engine_app(eng, 0);
	struct sf_listener_params lp;
	struct sf_test_client p[3];
	struct sf_conn *c[2];
	unsigned int i, k, rsts = 0;

	memset(&ap, 0, sizeof(ap));
	sf_listener_params_init(&lp);
	lp.port = 80;
	lp.on_accept = app_on_accept;
	lp.arg = &ap;
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 0);
	for (i = 0; i < 2; i++) {
		memset(&p[i], 0, sizeof(p[i]));
		app_open(eng, &p[i], (uint16_t)(8100 + i));
		SF_CHECK_EQ(sf_app_poll(a), 1);
		c[i] = ap.c;
	}
	/* Two closes fill the command ring (2 places). */
	as_app(a);
	SF_CHECK_EQ(sf_conn_close(c[0]), 0);
	SF_CHECK_EQ(sf_conn_close(c[1]), 0);
	memset(&p[2], 0, sizeof(p[2]));
	app_open(eng, &p[2], 8102);
	SF_CHECK_EQ(sf_engine_unlisten(eng, 0), 0);
	/*
	 * The reset cannot be sent: rather than leave the connection with
	 * nobody, the application context accepts it after all.
	 */
	SF_CHECK_EQ(sf_app_poll(a), 1);
	SF_CHECK_EQ(ap.accepts, 3);
	for (k = 0; k < 4; k++) {
		as_worker(w);
		sf_app_cmd_poll(w->wk_app);
		sf_app_poll(a);
	}
	for (i = 0; i < sf_test_tx_n; i++) {
		struct sf_test_seg r;

		if (hook_seg(i, &r) && r.dport == 8102 && (r.flags & F_RST))
			rsts++;
	}
	SF_CHECK_EQ(rsts, 0);
	SF_CHECK_EQ(w->wk_tcp.wt_lconns[0], 3);
	{
		uint64_t ac[SF_CNT_MAX];

		sf_engine_worker_counters(eng, 1, ac);
		SF_CHECK_EQ(ac[SF_CNT_accept_listener_gone], 0);
		SF_CHECK_EQ(ac[SF_CNT_accepted], 3);
	}
	engine_end(eng);
}

/* What on_data was handed on the application context. */
static struct {
	unsigned int calls;
	char got[64];
	uint32_t len;
	const struct sf_app_ctx *ctx;
	int act;
} ad;

static void
app_on_data(struct sf_conn *c, const struct sf_conn_data *d, void *arg)
{
	SF_CHECK(arg == &ap);
	SF_CHECK(c == ap.c);
	/* The mbuf holds just the bytes. */
	SF_CHECK(d->data == rte_pktmbuf_mtod(d->m, const uint8_t *));
	SF_CHECK_EQ(d->len, rte_pktmbuf_pkt_len(d->m));
	ad.calls++;
	ad.ctx = RTE_PER_LCORE(sf_app_cur);
	if (ad.len + d->len <= sizeof(ad.got)) {
		memcpy(ad.got + ad.len, d->data, d->len);
		ad.len += d->len;
	}
	if (ad.act == ACT_RESET)
		ap.ret = sf_conn_reset(c);
}

/*
 * 5. Bytes over the accept ring: after the ACCEPT, in order, on the
 * application context; a full ring drops the segment unanswered (the
 * peer's retransmission then gets through); bytes for a connection the
 * application reset meanwhile are freed unseen.
 */
static void
test_app_data(void)
{
	struct sf_engine *eng = sf_test_engine_tcp(&app_ep);
	struct sf_worker *w = sf_engine_worker(eng, 0);
	struct sf_app_ctx *a = sf_engine_app(eng, 0);
	struct sf_listener_params lp;
	struct sf_test_client p;
	struct sf_test_seg r;
	uint32_t rcv, i;

	memset(&ap, 0, sizeof(ap));
	memset(&ad, 0, sizeof(ad));
	sf_listener_params_init(&lp);
	lp.port = 80;
	lp.on_accept = app_on_accept;
	lp.on_data = app_on_data;
	lp.arg = &ap;
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 0);
	app_open(eng, &p, 8200);
	rcv = p.isn + 1;
	/* Bytes before on_accept ran: they follow the ACCEPT on the ring. */
	as_worker(w);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv, p.iss + 1,
		"abc", 3), SF_VERDICT_KEPT, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_data_delivered,
		SF_CNT_data_delivered_bytes, SF_CNT_data_delivered_bytes,
		SF_CNT_data_delivered_bytes);
	rcv += 3;
	/* The worker acknowledges them, in an mbuf of its own. */
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (hook_seg(0, &r)) {
		SF_CHECK_EQ(r.flags, F_ACK);
		SF_CHECK_EQ(r.ack, rcv);
	}
	sf_test_tx_flush();
	/* The ring (2 places) is full: dropped unanswered, RCV.NXT stays. */
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv, p.iss + 1,
		"de", 2), SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_drop_tcp_data_ring_full);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	for (i = 0; i < w->wk_tcp.wt_conntab.ft_cap; i++)
		if (w->wk_tcp.wt_conn[i].cn_state != SF_CS_FREE)
			SF_CHECK_EQ(w->wk_tcp.wt_conn[i].cn_rcv_nxt, rcv);
	SF_CHECK_EQ(w->wk_tcp.wt_conntab.ft_used, 1);
	SF_CHECK_EQ(ad.calls, 0);
	/* on_accept, then on_data, on the application context. */
	as_app(a);
	SF_CHECK_EQ(sf_app_poll(a), 2);
	SF_CHECK_EQ(ap.accepts, 1);
	SF_CHECK_EQ(ad.calls, 1);
	SF_CHECK(ad.ctx == a);
	/* The retransmission gets through. */
	as_worker(w);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv, p.iss + 1,
		"de", 2), SF_VERDICT_KEPT, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_data_delivered,
		SF_CNT_data_delivered_bytes, SF_CNT_data_delivered_bytes);
	rcv += 2;
	sf_test_tx_flush();
	as_app(a);
	SF_CHECK_EQ(sf_app_poll(a), 1);
	SF_CHECK_EQ(ad.len, 5);
	SF_CHECK_MEM(ad.got, "abcde", 5);

	/* Reset from on_data: bytes still in the ring are freed unseen. */
	ad.act = ACT_RESET;
	as_worker(w);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv, p.iss + 1,
		"f", 1), SF_VERDICT_KEPT, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_data_delivered,
		SF_CNT_data_delivered_bytes);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv + 1, p.iss + 1,
		"g", 1), SF_VERDICT_KEPT, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_data_delivered,
		SF_CNT_data_delivered_bytes);
	sf_test_tx_flush();
	as_app(a);
	ap.ret = 99;
	SF_CHECK_EQ(sf_app_poll(a), 2);
	SF_CHECK_EQ(ap.ret, 0);
	SF_CHECK_EQ(ad.calls, 3);
	SF_CHECK_EQ(ad.len, 6);
	/* The worker applies the reset. */
	as_worker(w);
	SF_CHECK_EQ(sf_app_cmd_poll(w->wk_app), 1);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (hook_seg(0, &r))
		SF_CHECK_EQ(r.flags, F_RST | F_ACK);
	sf_test_tx_flush();
	SF_CHECK_EQ(w->wk_tcp.wt_conntab.ft_used, 0);
	as_worker(NULL);
	sf_test_teardown(eng);
	SF_CHECK_EQ(pool_avail(), sf_test_pool->size);
}

/* What on_writable saw on the application context, and what it did. */
static struct {
	unsigned int calls;
	const struct sf_app_ctx *ctx;
	uint32_t send;              /* bytes to send from inside it */
	int ret;
} aw;

static uint8_t app_buf[10000];

static void
app_on_writable(struct sf_conn *c, void *arg)
{
	SF_CHECK(arg == &ap);
	SF_CHECK(c == ap.c);
	aw.calls++;
	aw.ctx = RTE_PER_LCORE(sf_app_cur);
	if (aw.send != 0)
		aw.ret = sf_conn_send(c, app_buf, aw.send);
}

/* The peer acknowledges our bytes up to ack, on worker w. */
static void
app_peer_ack(struct sf_engine *eng, struct sf_worker *w,
		struct sf_test_client *p, uint32_t ack)
{
	as_worker(w);
	sf_test_peer_ack(eng, p, ack, p->t.win);
}

/*
 * 6. Sends from the application context: copied into mbufs there, sent
 * to the worker in SEND commands within a budget kept on the
 * application side (sndbuf 8000 here; each mbuf costs at least an MSS,
 * and the last one may pass the budget), on_writable from the
 * application poll once the worker gave back enough, the half-close after the bytes, a
 * send that crosses the connection's end freed on the worker, a full
 * command ring refused with nothing counted as sent.
 */
static void
test_app_send(void)
{
	struct sf_engine_params ep = app_ep;
	struct sf_engine *eng;
	struct sf_worker *w;
	struct sf_app_ctx *a;
	struct sf_listener_params lp;
	struct sf_test_client p;
	struct sf_test_seg r;
	struct rte_mbuf *m;
	struct sf_conn *c;
	uint64_t ac[SF_CNT_MAX];
	uint32_t una, i, full = 0;

	ep.sndbuf = 8000;
	eng = sf_test_engine_tcp(&ep);
	w = sf_engine_worker(eng, 0);
	a = sf_engine_app(eng, 0);
	for (i = 0; i < sizeof(app_buf); i++)
		app_buf[i] = (uint8_t)(i * 13 + 1);
	memset(&ap, 0, sizeof(ap));
	memset(&aw, 0, sizeof(aw));
	sf_listener_params_init(&lp);
	lp.port = 80;
	lp.on_accept = app_on_accept;
	lp.on_close = app_on_close;
	lp.on_writable = app_on_writable;
	lp.arg = &ap;
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 0);
	memset(&p, 0, sizeof(p));
	app_open(eng, &p, 8300);
	as_app(a);
	SF_CHECK_EQ(sf_app_poll(a), 1);
	c = ap.c;
	SF_CHECK_EQ(ap.ci.mss, 1460);

	/*
	 * The budget takes six MSS-sized mbufs of 10000 bytes (the sixth
	 * starts below 8000 and passes it); nothing left yet.
	 */
	SF_CHECK_EQ(sf_conn_send(c, app_buf, sizeof(app_buf)), 8760);
	SF_CHECK_EQ(sf_conn_send(c, app_buf, 1), -EAGAIN);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	SF_CHECK_EQ(sf_conn_send((struct sf_conn *)app_buf, app_buf, 1),
		-EPERM);
	/* The worker takes the chain: six segments of the MSS. */
	as_worker(w);
	SF_CHECK_EQ(sf_app_cmd_poll(w->wk_app), 1);
	SF_CHECK_EQ(cnt(eng, 0, SF_CNT_app_cmds), 1);
	SF_CHECK_EQ(cnt(eng, 0, SF_CNT_snd_queued_bytes), 8760);
	SF_CHECK_EQ(sf_test_tx_n, 6);
	una = p.iss + 1;
	for (i = 0; i < sf_test_tx_n && i < 6; i++) {
		if (!hook_seg(i, &r))
			continue;
		SF_CHECK_EQ(r.flags & ~F_PSH, F_ACK);
		SF_CHECK_EQ(r.seq, una + 1460 * i);
		SF_CHECK_EQ(r.data_len, 1460);
	}
	/* The bytes are the application's, in order. */
	if (sf_test_tx_n == 6) {
		struct rte_mbuf *t = sf_test_tx[5];

		SF_CHECK_MEM(rte_pktmbuf_mtod_offset(t, const uint8_t *,
			t->pkt_len - 1460), app_buf + 7300, 1460);
	}
	sf_test_tx_flush();
	as_app(a);
	SF_CHECK_EQ(sf_app_poll(a), 0);
	SF_CHECK_EQ(aw.calls, 0);

	/* 2920 acknowledged: 5840 out, more than half; still owed. */
	app_peer_ack(eng, w, &p, una + 2920);
	as_app(a);
	SF_CHECK_EQ(sf_app_poll(a), 0);
	SF_CHECK_EQ(aw.calls, 0);
	/* 5840: 2920 out. on_writable, once, where on_accept ran; it
	 * sends again (100 bytes, an MSS of the budget). */
	app_peer_ack(eng, w, &p, una + 5840);
	as_app(a);
	aw.send = 100;
	SF_CHECK_EQ(sf_app_poll(a), 0);
	SF_CHECK_EQ(aw.calls, 1);
	SF_CHECK(aw.ctx == a);
	SF_CHECK_EQ(aw.ret, 100);
	SF_CHECK_EQ(sf_app_poll(a), 0);
	SF_CHECK_EQ(aw.calls, 1);
	/* Zero-copy, then the half-close: the FIN follows the bytes. */
	m = sf_test_chain(1, app_buf, 50);
	SF_CHECK(m != NULL);
	if (m != NULL)
		SF_CHECK_EQ(sf_conn_send_mbuf(c, m), 0);
	SF_CHECK_EQ(sf_conn_send_mbuf(c, NULL), -EINVAL);
	/*
	 * A chain that costs more than the whole budget can never be sent:
	 * six mbufs of 10 bytes cost six MSS, 8760.
	 */
	{
		struct rte_mbuf *big = sf_test_chain(6, app_buf, 10);

		SF_CHECK(big != NULL);
		if (big != NULL) {
			SF_CHECK_EQ(sf_conn_send_mbuf(c, big), -EMSGSIZE);
			rte_pktmbuf_free(big);
		}
	}
	/* The ring holds two commands: a third is refused, not counted. */
	SF_CHECK_EQ(sf_conn_shutdown(c), -ENOBUFS);
	sf_engine_worker_counters(eng, 1, ac);
	SF_CHECK_EQ(ac[SF_CNT_app_cmds_ring_full], 1);
	as_worker(w);
	SF_CHECK_EQ(sf_app_cmd_poll(w->wk_app), 2);
	SF_CHECK_EQ(cnt(eng, 0, SF_CNT_snd_queued_bytes), 8910);
	as_app(a);
	SF_CHECK_EQ(sf_conn_shutdown(c), 0);
	SF_CHECK_EQ(sf_conn_shutdown(c), -EALREADY);
	SF_CHECK_EQ(sf_conn_send(c, app_buf, 1), -EPIPE);
	as_worker(w);
	sf_test_tx_flush();
	SF_CHECK_EQ(sf_app_cmd_poll(w->wk_app), 1);
	SF_CHECK_EQ(c->cn_state, SF_CS_FIN_WAIT_1);
	for (i = 0; i < sf_test_tx_n; i++)
		if (hook_seg(i, &r) && (r.flags & F_FIN)) {
			SF_CHECK_EQ(r.seq + r.data_len, una + 8910);
			full++;
		}
	SF_CHECK_EQ(full, 1);
	sf_test_tx_flush();
	/* Everything and the FIN acknowledged; the peer's FIN: TIME-WAIT. */
	app_peer_ack(eng, w, &p, una + 8911);
	SF_CHECK_EQ(c->cn_state, SF_CS_FIN_WAIT_2);
	rte_pktmbuf_free(SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p,
		F_ACK | F_FIN, p.isn + 1, una + 8911, NULL, 0), SF_VERDICT_TX,
		SF_CNT_tcp_segments, SF_CNT_tcp_replied, SF_CNT_app_events));
	SF_CHECK_EQ(c->cn_state, SF_CS_TIME_WAIT);
	sf_test_tx_flush();
	/* After a half-close the peer's FIN is told: its end of file. */
	as_app(a);
	SF_CHECK_EQ(sf_app_poll(a), 1);
	SF_CHECK_EQ(ap.closes[SF_CLOSE_PEER_FIN], 1);

	/* A send that crosses the peer's RST: freed on the worker. */
	memset(&p, 0, sizeof(p));
	app_open(eng, &p, 8301);
	as_app(a);
	SF_CHECK_EQ(sf_app_poll(a), 1);
	c = ap.c;
	as_worker(w);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_RST, p.isn + 1, 0, NULL,
		0), SF_VERDICT_DONE, SF_CNT_tcp_segments, SF_CNT_tcp_absorbed,
		SF_CNT_conn_resets, SF_CNT_app_events);
	as_app(a);
	SF_CHECK_EQ(sf_conn_send(c, app_buf, 3000), 3000);
	as_worker(w);
	SF_CHECK_EQ(sf_app_cmd_poll(w->wk_app), 1);
	SF_CHECK_EQ(cnt(eng, 0, SF_CNT_app_cmds_stale), 1);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	as_app(a);
	SF_CHECK_EQ(sf_app_poll(a), 1);
	SF_CHECK_EQ(ap.closes[SF_CLOSE_RESET], 1);
	SF_CHECK_EQ(sf_conn_send(c, app_buf, 1), -ENOTCONN);

	/*
	 * A listener without on_close: the end still reaches the context,
	 * which holds the handle, so a send after it fails instead of
	 * vanishing on the worker as stale.
	 */
	lp.port = 81;
	lp.on_close = NULL;
	SF_CHECK(sf_engine_listen(eng, &lp) >= 0);
	memset(&p, 0, sizeof(p));
	app_open_to(eng, &p, 8302, 81);
	as_app(a);
	SF_CHECK_EQ(sf_app_poll(a), 1);
	c = ap.c;
	as_worker(w);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_RST, p.isn + 1, 0, NULL,
		0), SF_VERDICT_DONE, SF_CNT_tcp_segments, SF_CNT_tcp_absorbed,
		SF_CNT_conn_resets, SF_CNT_app_events);
	as_app(a);
	SF_CHECK_EQ(sf_app_poll(a), 1);
	SF_CHECK_EQ(sf_conn_send(c, app_buf, 1), -ENOTCONN);
	as_worker(w);
	sf_worker_clock(w, w->wk_tcp.wt_net.nt_now + 61000);
	sf_test_tx_flush();
	as_app(a);
	sf_app_poll(a);
	as_worker(NULL);
	sf_test_teardown(eng);
	SF_CHECK_EQ(pool_avail(), sf_test_pool->size);
}

int
main(int argc, char **argv)
{
	sf_test_init(argc, argv);
	ring_port_open();
	test_toeplitz_reference();
	test_steer_hash();
	test_steer_engine();
	test_steer_rings_full();
	test_listener_remove();
	test_listener_id_held();
	test_listen_update();
	test_app();
	test_app_gone_cmd_full();
	test_app_data();
	test_app_send();
	ring_port_close();
	return sf_test_done("test_multicore");
}
