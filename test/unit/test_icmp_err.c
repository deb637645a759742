/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * lib/net/sf_icmp_err.c and lib/net/sf_udp.c: the ICMP errors we send (port and
 * protocol unreachable, parameter problems, their rate limits) and the
 * ones we take (errors quoting our SYN-ACKs end requests); with them the
 * receive path's checks of issue 14 in lib/engine/sf_input.c and lib/net/sf_pkt.c:
 * unicast datagrams in L2 broadcast or multicast frames, IPv4 options.
 */

#include <netinet/in.h>

#include <rte_ip.h>
#include <rte_tcp.h>

#include "sf_test.h"

#define FRAME_MAX 2048
#define LPORT 80

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };

/* A datagram from the peer to us: L2, IP (options), then l4 bytes. */
struct dgram {
	bool v6;
	const uint8_t *eth_dst;      /* NULL: the port's MAC */
	unsigned int nb_vlan;
	uint8_t proto;
	uint8_t tos;
	const uint8_t *opt;          /* IPv4 options */
	uint8_t optlen;              /* a multiple of 4 */
	const uint8_t *src;          /* NULL: the peer */
	const uint8_t *dst;          /* NULL: our address (IPv6 only) */
	uint8_t l4[1500];
	uint16_t l4_len;
};

static void
dgram_init(struct dgram *d, bool v6, uint8_t proto, uint16_t l4_len)
{
	unsigned int i;

	memset(d, 0, sizeof(*d));
	d->v6 = v6;
	d->proto = proto;
	d->l4_len = l4_len;
	for (i = 0; i < l4_len; i++)
		d->l4[i] = (uint8_t)(i * 13 + 5);
}

/* A UDP datagram of n data bytes to port 53, checksum right. */
static void
dgram_udp(struct dgram *d, bool v6, uint16_t n)
{
	dgram_init(d, v6, IPPROTO_UDP, 8 + n);
	d->l4[0] = 0x30;
	d->l4[1] = 0x39;                /* source port 12345 */
	d->l4[2] = 0;
	d->l4[3] = 53;
	d->l4[4] = (uint8_t)((8 + n) >> 8);
	d->l4[5] = (uint8_t)(8 + n);
	d->l4[6] = d->l4[7] = 0;
}

static uint16_t
build(uint8_t *f, const struct dgram *d)
{
	uint16_t l2, l3;
	uint8_t *l4;

	memset(f, 0, FRAME_MAX);
	l2 = sf_test_put_eth(f, d->eth_dst != NULL ?
		(const struct rte_ether_addr *)d->eth_dst : &sf_test_mac,
		d->nb_vlan, d->v6 ? RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4);
	if (d->v6) {
		struct rte_ipv6_hdr *ip6 = (void *)(f + l2);

		l3 = sf_test_put_ip6(ip6, d->src ? d->src : sf_test_peer_v6,
			d->dst ? d->dst : sf_test_v6, d->proto, d->l4_len, 64);
		l4 = f + l2 + l3;
		memcpy(l4, d->l4, d->l4_len);
		if (d->proto == IPPROTO_UDP)
			sf_test_put_cksum(l4 + 6, sf_test_ip6_sum(ip6, l4,
				d->l4_len, IPPROTO_UDP));
	} else {
		struct rte_ipv4_hdr *ip = (void *)(f + l2);

		sf_test_put_ip4(ip, d->src ? d->src : sf_test_peer_v4,
			sf_test_v4, d->proto, d->l4_len + d->optlen);
		ip->type_of_service = d->tos;
		ip->version_ihl = 0x40 | (5 + d->optlen / 4);
		if (d->optlen != 0)
			memcpy(ip + 1, d->opt, d->optlen);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		l3 = 20 + d->optlen;
		l4 = f + l2 + l3;
		memcpy(l4, d->l4, d->l4_len);
		if (d->proto == IPPROTO_UDP) {
			const uint8_t *a = d->src ? d->src : sf_test_peer_v4;
			uint32_t ps = 0;

			ps += (uint32_t)a[0] << 8 | a[1];
			ps += (uint32_t)a[2] << 8 | a[3];
			ps += (uint32_t)sf_test_v4[0] << 8 | sf_test_v4[1];
			ps += (uint32_t)sf_test_v4[2] << 8 | sf_test_v4[3];
			ps += IPPROTO_UDP + d->l4_len;
			sf_test_put_cksum(l4 + 6, sf_test_sum(l4, d->l4_len,
				ps));
		}
	}
	return l2 + l3 + d->l4_len;
}

static struct rte_mbuf *
dgram_mbuf(const struct dgram *d, uint8_t *f)
{
	return sf_test_mbuf(f, build(f, d));
}

/*
 * The error the engine sent about the datagram in f (len bytes): L2 back
 * to the peer with the datagram's VLAN tags, IP header from us to the
 * peer, type, code and the 32-bit word after the checksum, checksums
 * valid, and the quote: the datagram's IP packet, at most 548 (IPv4) or
 * 1232 (IPv6) bytes of it.
 */
static void
check_error(const struct dgram *d, const uint8_t *f, uint16_t len,
		uint8_t type, uint8_t code, uint32_t word)
{
	const struct rte_mbuf *m;
	const uint8_t *r;
	uint16_t l2 = 14 + 4 * d->nb_vlan, ol3 = len - l2, q;

	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n != 1)
		return;
	m = sf_test_tx[0];
	r = rte_pktmbuf_mtod(m, const uint8_t *);
	SF_CHECK_EQ(m->nb_segs, 1);
	SF_CHECK_MEM(r, &sf_test_peer, 6);
	SF_CHECK_MEM(r + 6, &sf_test_mac, 6);
	/* VLAN tags and ethertype as the datagram had them. */
	SF_CHECK_MEM(r + 12, f + 12, l2 - 12);
	if (!d->v6) {
		const struct rte_ipv4_hdr *ip = (const void *)(r + l2);
		const uint8_t *ic = r + l2 + 20;

		q = RTE_MIN(ol3, 548);
		SF_CHECK_EQ(rte_pktmbuf_pkt_len(m), l2 + 28 + q);
		SF_CHECK_EQ(ip->version_ihl, 0x45);
		/* RFC 1812 4.3.2.5 precedence 6, TOS bits kept (Linux). */
		SF_CHECK_EQ(ip->type_of_service, 0xc0 | (d->tos & 0x1e));
		SF_CHECK_EQ(rte_be_to_cpu_16(ip->total_length), 28 + q);
		SF_CHECK_EQ(ip->time_to_live, 64);
		SF_CHECK_EQ(ip->next_proto_id, IPPROTO_ICMP);
		SF_CHECK_EQ(ip->fragment_offset, 0);
		SF_CHECK_MEM(&ip->src_addr, sf_test_v4, 4);
		SF_CHECK_MEM(&ip->dst_addr, d->src ? d->src : sf_test_peer_v4,
			4);
		SF_CHECK_EQ(rte_ipv4_cksum(ip), 0);
		SF_CHECK_EQ(sf_test_sum(ic, 8 + q, 0), 0xffff);
		SF_CHECK_EQ(ic[0], type);
		SF_CHECK_EQ(ic[1], code);
		SF_CHECK_EQ((uint32_t)ic[4] << 24 | ic[5] << 16 | ic[6] << 8 |
			ic[7], word);
		SF_CHECK_MEM(ic + 8, f + l2, q);
	} else {
		const struct rte_ipv6_hdr *ip6 = (const void *)(r + l2);
		const uint8_t *ic = r + l2 + 40;

		q = RTE_MIN(ol3, 1232);
		SF_CHECK_EQ(rte_pktmbuf_pkt_len(m), l2 + 48 + q);
		SF_CHECK_EQ(rte_be_to_cpu_32(ip6->vtc_flow), 6u << 28);
		SF_CHECK_EQ(rte_be_to_cpu_16(ip6->payload_len), 8 + q);
		SF_CHECK_EQ(ip6->proto, IPPROTO_ICMPV6);
		SF_CHECK_EQ(ip6->hop_limits, 64);
		SF_CHECK_MEM(ip6->src_addr, sf_test_v6, 16);
		SF_CHECK_MEM(ip6->dst_addr, d->src ? d->src : sf_test_peer_v6,
			16);
		SF_CHECK_EQ(sf_test_ip6_sum(ip6, ic, 8 + q, IPPROTO_ICMPV6),
			0xffff);
		SF_CHECK_EQ(ic[0], type);
		SF_CHECK_EQ(ic[1], code);
		SF_CHECK_EQ((uint32_t)ic[4] << 24 | ic[5] << 16 | ic[6] << 8 |
			ic[7], word);
		SF_CHECK_MEM(ic + 8, f + l2, q);
	}
	sf_test_tx_flush();
}

/* UDP: port unreachable, quoting the datagram; bad datagrams none. */
static void
test_udp(bool v6)
{
	struct sf_engine *eng = sf_test_engine_tcp(NULL);
	static uint8_t f[FRAME_MAX];
	static struct dgram d;
	enum sf_counter sent = v6 ? SF_CNT_icmp6_out_dest_unreachs :
		SF_CNT_icmp_out_dest_unreachs;
	struct rte_mbuf *m;
	uint16_t len;

	dgram_udp(&d, v6, 20);
	d.tos = 0x12;
	len = build(f, &d);
	SF_CHECK_INPUTV(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_drop_udp_no_port, sent);
	check_error(&d, f, len, v6 ? 1 : 3, v6 ? 4 : 3, 0);

	/* On a VLAN: the error leaves on it. */
	d.nb_vlan = 2;
	len = build(f, &d);
	SF_CHECK_INPUTV(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_drop_udp_no_port, sent);
	check_error(&d, f, len, v6 ? 1 : 3, v6 ? 4 : 3, 0);
	d.nb_vlan = 0;

	/* A large datagram: the quote stops at 576 / 1280 bytes in all. */
	dgram_udp(&d, v6, 1400);
	len = build(f, &d);
	SF_CHECK_INPUTV(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_drop_udp_no_port, sent);
	check_error(&d, f, len, v6 ? 1 : 3, v6 ? 4 : 3, 0);

	/* Bad checksum, length beyond the payload or below 8: no error. */
	dgram_udp(&d, v6, 20);
	len = build(f, &d);
	f[len - 1] ^= 0x40;
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_drop_udp_bad_csum);
	d.l4[5] = 29;
	SF_CHECK_INPUT(eng, dgram_mbuf(&d, f), SF_VERDICT_DROP,
		SF_CNT_drop_udp_truncated);
	d.l4[5] = 7;
	SF_CHECK_INPUT(eng, dgram_mbuf(&d, f), SF_VERDICT_DROP,
		SF_CNT_drop_udp_truncated);
	dgram_udp(&d, v6, 0);
	d.l4_len = 6;
	SF_CHECK_INPUT(eng, dgram_mbuf(&d, f), SF_VERDICT_DROP,
		SF_CNT_drop_udp_truncated);
	/* To our solicited-node group (a multicast frame): no error. */
	if (v6) {
		static const uint8_t snm[16] = {
			0xff, 0x02, [11] = 0x01, 0xff, 0x00, 0x00, 0x01
		};
		static const uint8_t snm_mac[6] = {
			0x33, 0x33, 0xff, 0x00, 0x00, 0x01
		};

		dgram_udp(&d, true, 20);
		d.dst = snm;
		d.eth_dst = snm_mac;
		SF_CHECK_INPUT(eng, dgram_mbuf(&d, f), SF_VERDICT_DROP,
			SF_CNT_drop_udp_no_port);
		SF_CHECK_EQ(sf_test_tx_n, 0);
	}
	/* Zero checksum: none computed (IPv4); invalid over IPv6. */
	dgram_udp(&d, v6, 4);
	len = build(f, &d);
	f[len - 4 - 2] = f[len - 4 - 1] = 0;
	m = SF_CHECK_INPUTV(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		v6 ? SF_CNT_drop_udp_bad_csum : SF_CNT_drop_udp_no_port,
		v6 ? SF_CNT_MAX : sent);
	RTE_SET_USED(m);
	if (!v6)
		check_error(&d, f, len, 3, 3, 0);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	sf_engine_free(eng);
}

/* Protocols nobody speaks: protocol unreachable, ICMPv6 param problem. */
static void
test_proto(bool v6)
{
	struct sf_engine *eng = sf_test_engine_tcp(NULL);
	static uint8_t f[FRAME_MAX];
	static struct dgram d;
	uint16_t len;

	dgram_init(&d, v6, 47, 24);      /* GRE */
	len = build(f, &d);
	SF_CHECK_INPUTV(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_drop_l4_proto, v6 ? SF_CNT_icmp6_out_parm_probs :
		SF_CNT_icmp_out_dest_unreachs);
	/* IPv6: the pointer names the next-header byte: offset 6. */
	check_error(&d, f, len, v6 ? 4 : 3, v6 ? 1 : 2, v6 ? 6 : 0);
	if (v6) {
		/* After a hop-by-hop header: its first byte, offset 40. */
		dgram_init(&d, true, IPPROTO_HOPOPTS, 32);
		d.l4[0] = 47;
		d.l4[1] = 0;
		d.l4[2] = 1;             /* PadN over 4 */
		d.l4[3] = 4;
		memset(d.l4 + 4, 0, 4);
		len = build(f, &d);
		SF_CHECK_INPUTV(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
			SF_CNT_drop_l4_proto, SF_CNT_icmp6_out_parm_probs);
		check_error(&d, f, len, 4, 1, 40);
	}
	sf_engine_free(eng);
}

static void
clock_to(struct sf_engine *eng, uint32_t now)
{
	sf_worker_clock(sf_engine_worker(eng, 0), now);
}

/* Datagrams from one peer until the limit holds: n errors, then none. */
static unsigned int
udp_burst(struct sf_engine *eng, bool v6, const uint8_t *src, unsigned int n)
{
	static uint8_t f[FRAME_MAX];
	static struct dgram d;
	unsigned int i, sent = 0;

	dgram_udp(&d, v6, 8);
	d.src = src;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = dgram_mbuf(&d, f);

		/* Dropped, the datagram is the caller's to free. */
		SF_CHECK_EQ(sf_test_input(eng, m), SF_VERDICT_DROP);
		rte_pktmbuf_free(m);
		sent += sf_test_tx_n;
		sf_test_tx_flush();
	}
	return sent;
}

/* Linux's icmp_ratelimit (per peer) and icmp_msgs_per_sec/burst. */
static void
test_ratelimit(bool v6)
{
	static const uint8_t peer2_v4[4] = { 10, 10, 0, 3 };
	static const uint8_t peer2_v6[16] = {
		0xfd, 0x00, 0x00, 0x10, 0x00, 0x10, [15] = 0x03
	};
	const uint8_t *p2 = v6 ? peer2_v6 : peer2_v4;
	struct sf_engine_params ep = {
		.nb_workers = 1, .socket_id = SOCKET_ID_ANY,
		.max_requests = 64, .max_conns = 64,
	};
	struct sf_engine *eng;

	/* Defaults: six at once to a peer, then one a second. */
	eng = sf_test_engine_tcp(&ep);
	SF_CHECK_EQ(udp_burst(eng, v6, NULL, 10), 6);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_icmp_out_ratelimited), 4);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_drop_udp_no_port), 10);
	/* Another peer has its own bucket. */
	SF_CHECK_EQ(udp_burst(eng, v6, p2, 7), 6);
	clock_to(eng, 999);
	SF_CHECK_EQ(udp_burst(eng, v6, NULL, 1), 0);
	clock_to(eng, 1000);
	SF_CHECK_EQ(udp_burst(eng, v6, NULL, 3), 1);
	/* Quiet long enough, the burst is back, and no more. */
	clock_to(eng, 60000);
	SF_CHECK_EQ(udp_burst(eng, v6, NULL, 8), 6);
	sf_engine_free(eng);

	/* Over all peers: a bucket of icmp_msgs_burst, per second. */
	ep.icmp_ratelimit_ms = SF_ICMP_NO_LIMIT;
	ep.icmp_msgs_per_sec = 10;
	ep.icmp_msgs_burst = 3;
	eng = sf_test_engine_tcp(&ep);
	SF_CHECK_EQ(udp_burst(eng, v6, NULL, 2) + udp_burst(eng, v6, p2, 5),
		3);
	clock_to(eng, 99);
	SF_CHECK_EQ(udp_burst(eng, v6, p2, 2), 0);
	clock_to(eng, 100);
	SF_CHECK_EQ(udp_burst(eng, v6, p2, 2), 1);
	clock_to(eng, 10000);
	SF_CHECK_EQ(udp_burst(eng, v6, NULL, 9), 3);
	sf_engine_free(eng);

	/* No limit at all, and no errors at all. */
	ep.icmp_msgs_per_sec = SF_ICMP_NO_LIMIT;
	eng = sf_test_engine_tcp(&ep);
	SF_CHECK_EQ(udp_burst(eng, v6, NULL, 40), 40);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_icmp_out_ratelimited), 0);
	sf_engine_free(eng);
	ep.no_icmp_errors = 1;
	eng = sf_test_engine_tcp(&ep);
	SF_CHECK_EQ(udp_burst(eng, v6, NULL, 5), 0);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_drop_udp_no_port), 5);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_icmp_out_ratelimited), 0);
	sf_engine_free(eng);
}

/* A valid echo request as the L4 of d. */
static void
dgram_echo(struct dgram *d, bool v6)
{
	dgram_init(d, v6, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, 16);
	d->l4[0] = v6 ? 128 : 8;
	d->l4[1] = 0;
	d->l4[2] = d->l4[3] = 0;
}

static uint16_t
build_echo(uint8_t *f, const struct dgram *d)
{
	uint16_t len = build(f, d);
	uint16_t l4 = len - d->l4_len;

	if (d->v6)
		sf_test_put_cksum(f + l4 + 2, sf_test_ip6_sum(
			(const void *)(f + 14 + 4 * d->nb_vlan), f + l4,
			d->l4_len, IPPROTO_ICMPV6));
	else
		sf_test_put_cksum(f + l4 + 2, sf_test_sum(f + l4, d->l4_len,
			0));
	return len;
}

/* RFC 1122 3.3.6: unicast datagrams in L2 broadcast/multicast frames. */
static void
test_l2_martians(bool v6)
{
	struct sf_engine *eng = sf_test_engine_tcp(NULL);
	static uint8_t f[FRAME_MAX];
	static struct dgram d;
	struct sf_test_tcp t;
	struct rte_mbuf *m;
	uint16_t len;

	dgram_echo(&d, v6);
	len = build_echo(f, &d);
	m = SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_TX,
		v6 ? SF_CNT_icmp6_echo_replies : SF_CNT_icmp_echo_replies);
	rte_pktmbuf_free(m);
	d.eth_dst = bcast;
	len = build_echo(f, &d);
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_drop_l2_mcast_unicast);
	d.eth_dst = mcast;
	len = build_echo(f, &d);
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_drop_l2_mcast_unicast);
	/* UDP too: no port unreachable about it either. */
	dgram_udp(&d, v6, 4);
	d.eth_dst = bcast;
	SF_CHECK_INPUT(eng, dgram_mbuf(&d, f), SF_VERDICT_DROP,
		SF_CNT_drop_l2_mcast_unicast);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	/* A SYN in a broadcast frame: no listener needed to see it go. */
	sf_test_tcp_init(&t, v6, 999, LPORT);
	t.flags = RTE_TCP_SYN_FLAG;
	m = sf_test_tcp_frame(&t);
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), bcast, 6);
	SF_CHECK_INPUT(eng, m, SF_VERDICT_DROP, SF_CNT_drop_l2_mcast_unicast);
	m = sf_test_tcp_frame(&t);
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), mcast, 6);
	SF_CHECK_INPUT(eng, m, SF_VERDICT_DROP, SF_CNT_drop_l2_mcast_unicast);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_tcp_segments), 0);
	sf_engine_free(eng);
}

/* An echo request with IPv4 options opt: its outcome, and the error. */
static void
check_opts(struct sf_engine *eng, const uint8_t *opt, uint8_t optlen,
		enum sf_counter want, int bad_at, int line)
{
	static uint8_t f[FRAME_MAX];
	static struct dgram d;
	struct rte_mbuf *m;
	uint16_t len;

	/* IHL counts words: the lists here are whole words. */
	SF_CHECK_EQ(optlen % 4, 0);
	dgram_echo(&d, false);
	d.opt = opt;
	d.optlen = optlen;
	len = build_echo(f, &d);
	m = sf_test_check_input(eng, sf_test_mbuf(f, len),
		want == SF_CNT_icmp_echo_replies ? SF_VERDICT_TX :
		SF_VERDICT_DROP, want, bad_at >= 0 ?
		SF_CNT_icmp_out_parm_probs : SF_CNT_MAX, __FILE__, line);
	if (m != NULL)
		rte_pktmbuf_free(m);
	if (bad_at >= 0)
		check_error(&d, f, len, 12, 0, (uint32_t)bad_at << 24);
	else
		SF_CHECK_EQ(sf_test_tx_n, 0);
}

#define OPTS(eng, want, bad_at, ...) do { \
	static const uint8_t _o[] = { __VA_ARGS__ }; \
	check_opts((eng), _o, sizeof(_o), (want), (bad_at), __LINE__); \
} while (0)

/* ip_options_compile()'s checks of a received datagram. */
static void
test_ip4_options(void)
{
	struct sf_engine_params ep = {
		.nb_workers = 1, .socket_id = SOCKET_ID_ANY,
		.max_requests = 64, .max_conns = 64,
		.icmp_ratelimit_ms = SF_ICMP_NO_LIMIT,
		.icmp_msgs_per_sec = SF_ICMP_NO_LIMIT,
	};
	struct sf_engine *eng = sf_test_engine_tcp(&ep);
	const enum sf_counter ok = SF_CNT_icmp_echo_replies;
	const enum sf_counter bad = SF_CNT_drop_ip4_bad_options;

	/* Valid: skipped, answered. */
	OPTS(eng, ok, -1, 1, 1, 1, 0);                 /* NOP, EOL */
	OPTS(eng, ok, -1, 0, 0xff, 0xff, 0xff);        /* EOL, then junk */
	OPTS(eng, ok, -1, 7, 7, 4, 0, 0, 0, 0, 1);     /* RR, room for 1 */
	OPTS(eng, ok, -1, 7, 7, 8, 1, 2, 3, 4, 1);     /* RR, full */
	OPTS(eng, ok, -1, 68, 4, 5, 0);                /* TS, full */
	OPTS(eng, ok, -1, 68, 8, 5, 0, 0, 0, 0, 0);    /* TS only */
	OPTS(eng, ok, -1, 68, 12, 5, 1, 0, 0, 0, 0, 0, 0, 0, 0);
	OPTS(eng, ok, -1, 148, 4, 0, 0);               /* router alert */
	OPTS(eng, ok, -1, 30, 2, 1, 0);                /* unknown, skipped */
	/* Lengths: under 2, past the header, a type with no length. */
	OPTS(eng, bad, 20, 30, 1, 0, 0);
	OPTS(eng, bad, 21, 1, 30, 9, 0);
	OPTS(eng, bad, 23, 1, 1, 1, 30);
	/* Record route: pointer below 4, half an address left. */
	OPTS(eng, bad, 22, 7, 7, 3, 0, 0, 0, 0, 1);
	OPTS(eng, bad, 22, 7, 7, 6, 0, 0, 0, 0, 1);
	OPTS(eng, bad, 21, 7, 2, 1, 1);               /* length under 3 */
	/* Twice: the second is named before its own faults. */
	OPTS(eng, bad, 24, 7, 3, 4, 1, 7, 3, 4, 1);
	OPTS(eng, bad, 24, 7, 3, 4, 1, 7, 2, 1, 1);
	/* Timestamp: pointer under 5, no room, overflow, twice. */
	OPTS(eng, bad, 22, 68, 8, 4, 0, 0, 0, 0, 0);
	OPTS(eng, bad, 22, 68, 8, 5, 1, 0, 0, 0, 0);
	OPTS(eng, bad, 22, 68, 8, 5, 3, 0, 0, 0, 0);
	OPTS(eng, bad, 22, 68, 7, 5, 0, 0, 0, 0, 1);
	OPTS(eng, bad, 21, 68, 3, 5, 1);
	OPTS(eng, bad, 23, 68, 4, 5, 0xf0);
	OPTS(eng, bad, 24, 68, 4, 5, 0, 68, 4, 5, 0);
	OPTS(eng, ok, -1, 68, 4, 5, 0xe0);
	/*
	 * Received, an unknown flag is taken (Linux checks it only for
	 * options set locally), and a full prespecified list has no
	 * overflow count to check.
	 */
	OPTS(eng, ok, -1, 68, 8, 5, 2, 0, 0, 0, 0);
	OPTS(eng, ok, -1, 68, 4, 5, 0xf3);
	/* Router alert shorter than 4; CIPSO (no DOI here), twice. */
	OPTS(eng, bad, 21, 148, 2, 1, 0);
	OPTS(eng, bad, 22, 134, 8, 0, 0, 0, 1, 0, 0);
	/* Source routes: well formed, dropped; malformed, a bad option. */
	OPTS(eng, SF_CNT_drop_ip4_source_route, -1, 131, 7, 4, 10, 10, 0, 9,
		0);
	OPTS(eng, SF_CNT_drop_ip4_source_route, -1, 137, 7, 8, 10, 10, 0, 9,
		0);
	/* No room check for a route that is dropped anyway. */
	OPTS(eng, SF_CNT_drop_ip4_source_route, -1, 131, 7, 6, 10, 10, 0, 9,
		0);
	OPTS(eng, bad, 22, 131, 7, 2, 10, 10, 0, 9, 0);
	OPTS(eng, bad, 21, 131, 2, 1, 1);
	OPTS(eng, bad, 27, 131, 7, 4, 10, 10, 0, 9, 137, 3, 4, 0, 0);
	/*
	 * Never an error about an error (RFC 1122 3.2.2): a destination
	 * unreachable, a redirect or a type nobody knows, with bad options,
	 * is dropped, and nothing is sent; an echo request draws one.
	 */
	{
		static const uint8_t badopt[] = { 30, 1, 0, 0 };
		static const uint8_t types[] = { 3, 4, 5, 11, 12, 19, 200 };
		static uint8_t f[FRAME_MAX];
		static struct dgram d;
		unsigned int k;

		for (k = 0; k < RTE_DIM(types); k++) {
			dgram_echo(&d, false);
			d.l4[0] = types[k];
			d.opt = badopt;
			d.optlen = sizeof(badopt);
			SF_CHECK_INPUT(eng, sf_test_mbuf(f, build_echo(f, &d)),
				SF_VERDICT_DROP, SF_CNT_drop_ip4_bad_options);
			SF_CHECK_EQ(sf_test_tx_n, 0);
		}
		d.l4[0] = 13;           /* timestamp request: informational */
		SF_CHECK_INPUTV(eng, sf_test_mbuf(f, build_echo(f, &d)),
			SF_VERDICT_DROP, SF_CNT_drop_ip4_bad_options,
			SF_CNT_icmp_out_parm_probs);
		SF_CHECK_EQ(sf_test_tx_n, 1);
		sf_test_tx_flush();
	}
	sf_engine_free(eng);
}

static struct {
	unsigned int accepts;
	struct sf_conn *c;        /* the last one accepted */
} cb;

static void
on_accept(struct sf_conn *c, const struct sf_conn_info *ci, void *arg)
{
	RTE_SET_USED(ci);
	RTE_SET_USED(arg);
	cb.accepts++;
	cb.c = c;
}

/* The MTU icmp_err() reports (bytes 4-7 of the ICMP header), or 0. */
static uint32_t icmp_mtu;

static struct sf_engine *
listen_engine(void)
{
	struct sf_engine *eng = sf_test_engine_tcp(NULL);
	struct sf_listener_params lp;

	cb.accepts = 0;
	sf_listener_params_init(&lp);
	lp.port = LPORT;
	lp.on_accept = on_accept;
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 0);
	return eng;
}

/*
 * An ICMP (ICMPv6) error of type and code from the peer, quoting our
 * segment of p's flow with sequence seq; qlen bytes of TCP quoted.
 */
static struct rte_mbuf *
icmp_err(const struct sf_test_client *p, uint8_t type, uint8_t code,
		uint32_t seq, uint16_t qlen)
{
	static uint8_t f[FRAME_MAX];
	static struct dgram d;
	bool v6 = p->t.v6;
	uint16_t l3 = v6 ? 40 : 20;
	uint8_t *q;

	dgram_init(&d, v6, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, 8 + l3 + qlen);
	memset(d.l4, 0, d.l4_len);
	d.l4[0] = type;
	d.l4[1] = code;
	/* RFC 1191 4: 16 bits after 16 unused; RFC 4443 3.2: 32 bits. */
	d.l4[4] = v6 ? (uint8_t)(icmp_mtu >> 24) : 0;
	d.l4[5] = v6 ? (uint8_t)(icmp_mtu >> 16) : 0;
	d.l4[6] = (uint8_t)(icmp_mtu >> 8);
	d.l4[7] = (uint8_t)icmp_mtu;
	q = d.l4 + 8;
	if (v6) {
		sf_test_put_ip6(q, sf_test_v6, sf_test_peer_v6, IPPROTO_TCP,
			20, 64);
	} else {
		sf_test_put_ip4(q, sf_test_v4, sf_test_peer_v4, IPPROTO_TCP,
			20);
	}
	q += l3;
	q[0] = (uint8_t)(p->t.dport >> 8);
	q[1] = (uint8_t)p->t.dport;
	q[2] = (uint8_t)(p->t.sport >> 8);
	q[3] = (uint8_t)p->t.sport;
	q[4] = (uint8_t)(seq >> 24);
	q[5] = (uint8_t)(seq >> 16);
	q[6] = (uint8_t)(seq >> 8);
	q[7] = (uint8_t)seq;
	q[13] = RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG;
	return sf_test_mbuf(f, build_echo(f, &d));
}

static uint32_t
nreqs(struct sf_engine *eng)
{
	return sf_engine_worker(eng, 0)->wk_tcp.wt_reqtab.ft_used;
}

/* tcp_req_err() and friends: errors about our SYN-ACKs and connections. */
static void
test_errors_in(bool v6)
{
	struct sf_engine *eng = listen_engine();
	struct sf_test_client p;
	struct rte_mbuf *m;
	uint8_t unreach = v6 ? 1 : 3, texceed = v6 ? 3 : 11;
	uint8_t pprob = v6 ? 4 : 12;
	uint8_t host = v6 ? 3 : 1, soft = v6 ? 2 : 4;
	struct sf_test_seg r;

	/* A hard error quoting the request's ISS ends it. */
	sf_test_client_init(&p, v6, 2001, LPORT);
	sf_test_do_syn(eng, &p, SF_TOF_MSS);
	SF_CHECK_EQ(nreqs(eng), 1);
	SF_CHECK_INPUTV(eng, icmp_err(&p, unreach, host, p.iss, 8),
		SF_VERDICT_DONE, SF_CNT_icmp_err_req_drops,
		SF_CNT_listen_drops);
	SF_CHECK_EQ(nreqs(eng), 0);
	/* Its third ACK then meets the listener: a RST, no connection. */
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, RTE_TCP_ACK_FLAG,
		p.isn + 1, p.iss + 1, NULL, 0), SF_VERDICT_TX,
		SF_CNT_tcp_segments, SF_CNT_tcp_replied, SF_CNT_out_rsts);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r))
		SF_CHECK_EQ(r.flags, RTE_TCP_RST_FLAG);
	rte_pktmbuf_free(m);
	SF_CHECK_EQ(cb.accepts, 0);

	/* Another sequence number: OutOfWindowIcmps, the request stays. */
	sf_test_client_init(&p, v6, 2002, LPORT);
	sf_test_do_syn(eng, &p, SF_TOF_MSS);
	SF_CHECK_INPUT(eng, icmp_err(&p, unreach, host, p.iss + 1, 8),
		SF_VERDICT_DROP, SF_CNT_drop_icmp_err_oow);
	SF_CHECK_INPUT(eng, icmp_err(&p, unreach, host, p.iss - 1, 8),
		SF_VERDICT_DROP, SF_CNT_drop_icmp_err_oow);
	/* Soft: fragmentation needed, beyond scope / packet too big. */
	SF_CHECK_INPUT(eng, icmp_err(&p, unreach, soft, p.iss, 8),
		SF_VERDICT_DROP, SF_CNT_drop_icmp_err_soft);
	if (v6)
		SF_CHECK_INPUT(eng, icmp_err(&p, 2, 0, p.iss, 8),
			SF_VERDICT_DROP, SF_CNT_drop_icmp_err_soft);
	else
		SF_CHECK_INPUT(eng, icmp_err(&p, 3, 12, p.iss, 8),
			SF_VERDICT_DROP, SF_CNT_drop_icmp_err_soft);
	/* Unknown codes and types are not errors TCP takes. */
	SF_CHECK_INPUT(eng, icmp_err(&p, unreach, v6 ? 7 : 16, p.iss, 8),
		SF_VERDICT_DROP, v6 ? SF_CNT_drop_icmp6_unhandled :
		SF_CNT_drop_icmp_unhandled);
	/* Too short a quote: fewer than 8 bytes of TCP. */
	SF_CHECK_INPUT(eng, icmp_err(&p, unreach, host, p.iss, 7),
		SF_VERDICT_DROP, SF_CNT_drop_icmp_err_bad);
	SF_CHECK_EQ(nreqs(eng), 1);
	/* Then the connection completes: errors about it are counted. */
	sf_test_do_ack(eng, &p);
	SF_CHECK_EQ(cb.accepts, 1);
	SF_CHECK_INPUT(eng, icmp_err(&p, unreach, host, p.iss + 1, 8),
		SF_VERDICT_DROP, SF_CNT_drop_icmp_err_conn);
	/*
	 * Path MTU discovery: a fragmentation-needed (packet-too-big)
	 * quoting SND.NXT lowers the connection's MSS to what fits.
	 */
	{
		uint8_t too_big = v6 ? 2 : 3, code = v6 ? 0 : 4;
		uint32_t hdr = v6 ? 60 : 40;
		struct sf_conn_info ci;

		SF_CHECK(cb.c != NULL);
		sf_conn_get_info(cb.c, &ci);
		SF_CHECK_EQ(ci.mss, v6 ? 1440 : 1460);
		icmp_mtu = v6 ? 1400 : 1000;
		SF_CHECK_INPUT(eng, icmp_err(&p, too_big, code, p.iss + 1, 8),
			SF_VERDICT_DONE, SF_CNT_icmp_err_pmtu);
		sf_conn_get_info(cb.c, &ci);
		SF_CHECK_EQ(ci.mss, icmp_mtu - hdr);
		/* Below the floor (552; 1280 for IPv6): the floor. */
		icmp_mtu = v6 ? 1000 : 300;
		SF_CHECK_INPUT(eng, icmp_err(&p, too_big, code, p.iss + 1, 8),
			SF_VERDICT_DONE, SF_CNT_icmp_err_pmtu);
		sf_conn_get_info(cb.c, &ci);
		SF_CHECK_EQ(ci.mss, (v6 ? 1280 : 552) - hdr);
		/* One that would not lower it is only counted. */
		icmp_mtu = 9000;
		SF_CHECK_INPUT(eng, icmp_err(&p, too_big, code, p.iss + 1, 8),
			SF_VERDICT_DROP, SF_CNT_drop_icmp_err_conn);
		/* Quoting what we never sent: OutOfWindowIcmps. */
		icmp_mtu = v6 ? 1300 : 600;
		SF_CHECK_INPUT(eng, icmp_err(&p, too_big, code, p.iss + 100,
			8), SF_VERDICT_DROP, SF_CNT_drop_icmp_err_oow);
		sf_conn_get_info(cb.c, &ci);
		SF_CHECK_EQ(ci.mss, (v6 ? 1280 : 552) - hdr);
		icmp_mtu = 0;
	}
	/* An error about no flow of ours. */
	p.t.sport = 3999;
	SF_CHECK_INPUT(eng, icmp_err(&p, unreach, host, p.iss, 8),
		SF_VERDICT_DROP, SF_CNT_drop_icmp_err_no_flow);

	/* Every hard kind, each on a request of its own. */
	{
		static const uint8_t v4codes[] = {
			0, 1, 2, 3, 6, 7, 8, 9, 10, 13, 14, 15 };
		static const uint8_t v6codes[] = { 0, 1, 3, 4, 5, 6 };
		const uint8_t *codes = v6 ? v6codes : v4codes;
		unsigned int n = v6 ? RTE_DIM(v6codes) : RTE_DIM(v4codes);
		unsigned int i;

		for (i = 0; i < n + 2; i++) {
			uint8_t type = i < n ? unreach : i == n ? texceed :
				pprob;

			sf_test_client_init(&p, v6, (uint16_t)(2100 + i),
				LPORT);
			sf_test_do_syn(eng, &p, SF_TOF_MSS);
			SF_CHECK_INPUTV(eng, icmp_err(&p, type,
				i < n ? codes[i] : 0, p.iss, 8),
				SF_VERDICT_DONE, SF_CNT_icmp_err_req_drops,
				SF_CNT_listen_drops);
		}
		/* ... and the soft codes leave theirs alone. */
		for (i = 0; i < 16 && !v6; i++) {
			if ((1u << i) & 0xe7cf)      /* the hard codes */
				continue;
			sf_test_client_init(&p, v6, (uint16_t)(2200 + i),
				LPORT);
			sf_test_do_syn(eng, &p, SF_TOF_MSS);
			SF_CHECK_INPUT(eng, icmp_err(&p, 3, (uint8_t)i, p.iss,
				8), SF_VERDICT_DROP, SF_CNT_drop_icmp_err_soft);
		}
	}
	/* Errors are never answered: nothing was sent at all. */
	SF_CHECK_EQ(sf_test_tx_n, 0);
	sf_test_tx_flush();
	sf_engine_free(eng);
}

int
main(int argc, char **argv)
{
	sf_test_init(argc, argv);
	test_udp(false);
	test_udp(true);
	test_proto(false);
	test_proto(true);
	test_ratelimit(false);
	test_ratelimit(true);
	test_l2_martians(false);
	test_l2_martians(true);
	test_ip4_options();
	test_errors_in(false);
	test_errors_in(true);
	return sf_test_done("test_icmp_err");
}
