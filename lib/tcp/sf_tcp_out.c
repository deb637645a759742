/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * Building the TCP segments synfront sends: SYN-ACKs, RSTs, ACKs and
 * FINs. A reply to a frame is written over it where it lies, its L2
 * header turned round and the IP and TCP headers written whole (no
 * allocation); any other segment (timers, application actions) is
 * written whole, L2 to TCP options, from the flow key and the peer's L2
 * identity into a fresh mbuf. IPv4 goes out with DF, ID 0 (RFC 6864 4.1: the ID of an
 * atomic datagram has no meaning) and TTL 64; IPv6 with hop limit 64,
 * both Linux's defaults.
 */

#include <netinet/in.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "sf_cksum.h"
#include "sf_tcp_pvt.h"

#define SF_TTL 64

/* The MSS we advertise: the port MTU's, within a clamp (0: none). */
uint16_t
sf_tcp_mtu_mss(const struct sf_port *pt, uint16_t clamp, uint8_t family)
{
	uint16_t hdrs = family == AF_INET ? 40 : 60;
	uint16_t mss = pt->pt_mtu > hdrs ? pt->pt_mtu - hdrs : 0;

	if (clamp != 0 && clamp < mss)
		mss = clamp;
	return mss;
}

/* The MSS a listener advertises: within its clamp. */
uint16_t
sf_tcp_our_mss(const struct sf_port *pt, const struct sf_listener *ls,
		uint8_t family)
{
	return sf_tcp_mtu_mss(pt, ls->ls_p.mss, family);
}

void
sf_l2peer_from_frame(const struct rte_mbuf *m, const struct sf_pkt *p,
		struct sf_l2peer *l2)
{
	const struct rte_ether_hdr *eh =
		rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_vlan_hdr *vh = (const struct rte_vlan_hdr *)(eh + 1);
	uint8_t i;

	memset(l2, 0, sizeof(*l2));
	rte_ether_addr_copy(&eh->src_addr, &l2->lp_mac);
	l2->lp_nb_vlan = p->nb_vlan;
	l2->lp_qinq = p->nb_vlan != 0 &&
		eh->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_QINQ);
	for (i = 0; i < p->nb_vlan && i < 2; i++)
		l2->lp_tci[i] = rte_be_to_cpu_16(vh[i].vlan_tci);
}

/*
 * The IPv4 or IPv6 header and the TCP header of o at l3, the TCP
 * options (l4_len - 20 bytes) already in place behind them: the mbuf
 * offload flags they need (0 when the sums were done here). The frame
 * holds l3 + l4 bytes from l3.
 */
static __rte_always_inline uint64_t
sf_tcp_write_hdrs(uint8_t *l3, const struct sf_port *pt,
		const struct sf_flow_key *k, const struct sf_tcp_out *o,
		uint16_t l3_len, uint16_t l4_len)
{
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(l3 + l3_len);
	uint64_t ol = 0;

	th->src_port = k->fk_lport;
	th->dst_port = k->fk_rport;
	th->sent_seq = rte_cpu_to_be_32(o->seq);
	th->recv_ack = rte_cpu_to_be_32(o->ack);
	/* (l4_len / 4) << 4, l4_len a multiple of 4 up to 60. */
	th->data_off = (uint8_t)(l4_len << 2);
	th->tcp_flags = o->flags;
	th->rx_win = rte_cpu_to_be_16(o->win);
	th->cksum = 0;
	th->tcp_urp = 0;
	if (l3_len == sizeof(struct rte_ipv4_hdr)) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)l3;

		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->type_of_service = 0;
		ip->total_length = rte_cpu_to_be_16(l3_len + l4_len);
		ip->packet_id = 0;
		ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		ip->time_to_live = SF_TTL;
		ip->next_proto_id = IPPROTO_TCP;
		ip->hdr_checksum = 0;
		ip->src_addr = k->fk_laddr[0];
		ip->dst_addr = k->fk_raddr[0];
		if (pt->pt_tx_tcp_cksum) {
			/*
			 * The NIC sums the segment; the field holds the
			 * pseudo-header sum it starts from (DPDK's rule for
			 * RTE_MBUF_F_TX_TCP_CKSUM).
			 */
			ol = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM;
			th->cksum = rte_ipv4_phdr_cksum(ip, ol);
		} else {
			th->cksum = sf_cksum_l4_store(sf_ip4_l4_cksum(ip, th,
				l4_len, IPPROTO_TCP));
		}
		if (pt->pt_tx_ip4_cksum) {
			ol |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
		} else {
			/*
			 * The header just written, summed from its values,
			 * not read back: the constant words, the length and
			 * the two addresses (as they lie in memory, like every
			 * word here: the sum does not care about the order).
			 */
			uint64_t sum = (uint64_t)ip->src_addr + ip->dst_addr +
				rte_cpu_to_be_16(RTE_IPV4_VHL_DEF << 8) +
				ip->total_length +
				rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG) +
				rte_cpu_to_be_16(SF_TTL << 8 | IPPROTO_TCP);

			ip->hdr_checksum = (uint16_t)~sf_cksum_fold64(sum);
		}
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)l3;

		ip6->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip6->payload_len = rte_cpu_to_be_16(l4_len);
		ip6->proto = IPPROTO_TCP;
		ip6->hop_limits = SF_TTL;
		memcpy(ip6->src_addr, k->fk_laddr, 16);
		memcpy(ip6->dst_addr, k->fk_raddr, 16);
		if (pt->pt_tx_tcp_cksum) {
			ol = RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_CKSUM;
			th->cksum = rte_ipv6_phdr_cksum(ip6, ol);
		} else {
			th->cksum = sf_cksum_l4_store(sf_ip6_l4_cksum(ip6, th,
				l4_len, IPPROTO_TCP));
		}
	}
	return ol;
}

/* The same with o's option bytes copied in first. */
static __rte_always_inline uint64_t
sf_tcp_write_l34(uint8_t *l3, const struct sf_port *pt,
		const struct sf_flow_key *k, const struct sf_tcp_out *o,
		uint16_t l3_len, uint16_t l4_len)
{
	uint8_t *opt = l3 + l3_len + sizeof(struct rte_tcp_hdr);
	unsigned int i;

	/*
	 * Options come in 32-bit words (doff counts them): eight bytes at
	 * a time, then the last word; no memcpy call.
	 */
	for (i = 0; i + 8 <= o->optlen; i += 8)
		memcpy(opt + i, o->opt + i, 8);
	if (i < o->optlen)
		memcpy(opt + i, o->opt + i, 4);
	return sf_tcp_write_hdrs(l3, pt, k, o, l3_len, l4_len);
}

/* The lengths offloads need (reset kept only RTE_MBUF_F_EXTERNAL). */
static inline void
sf_tcp_set_ol(struct rte_mbuf *m, uint64_t ol, uint16_t l2_len,
		uint16_t l3_len, uint16_t l4_len)
{
	if (ol != 0) {
		m->ol_flags |= ol;
		m->l2_len = l2_len;
		m->l3_len = l3_len;
		m->l4_len = l4_len;   /* some PMDs read it */
	}
}

int
sf_tcp_build(struct rte_mbuf *m, const struct sf_port *pt,
		const struct sf_l2peer *l2, const struct sf_flow_key *k,
		const struct sf_tcp_out *o)
{
	uint16_t l2_len, l3_len, l4_len, total;
	uint8_t *buf;
	bool v4 = k->fk_family == AF_INET;

	l3_len = v4 ? sizeof(struct rte_ipv4_hdr) : sizeof(struct rte_ipv6_hdr);
	l4_len = sizeof(struct rte_tcp_hdr) + o->optlen;
	total = sizeof(struct rte_ether_hdr) +
		l2->lp_nb_vlan * sizeof(struct rte_vlan_hdr) + l3_len + l4_len;
	/* The frame may be the one we answer: forget its layout, keep it. */
	rte_pktmbuf_reset(m);
	buf = (uint8_t *)rte_pktmbuf_append(m, total);
	if (buf == NULL)
		return -1;
	l2_len = sf_l2_write(buf, pt, l2, v4 ? RTE_ETHER_TYPE_IPV4 :
			RTE_ETHER_TYPE_IPV6);
	sf_tcp_set_ol(m, sf_tcp_write_l34(buf + l2_len, pt, k, o, l3_len,
		l4_len), l2_len, l3_len, l4_len);
	return 0;
}

/*
 * o written over the frame it answers, sent back where it came from: the
 * frame's L2 header turns round in place (its source becomes the
 * destination, the port's MAC the source; VLAN tags and ethertype stay
 * as they came), without taking the header apart and writing it again.
 * One difference from sf_l2peer_from_frame() + sf_tcp_build(), which
 * write 0x8100 for an inner tag: an inner tag keeps the TPID it came
 * with. The frame stays where the PMD put it (its headroom kept).
 */
static __rte_always_inline uint8_t *
sf_tcp_turn_back(struct rte_mbuf *m, const struct sf_port *pt,
		uint16_t total)
{
	uint16_t off = m->data_off;
	struct rte_ether_hdr *eh;

	rte_pktmbuf_reset(m);
	m->data_off = off;
	m->data_len = total;
	m->pkt_len = total;
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	rte_ether_addr_copy(&eh->src_addr, &eh->dst_addr);
	rte_ether_addr_copy(&pt->pt_mac, &eh->src_addr);
	return (uint8_t *)eh;
}

/* o, its option bytes in o->opt, so; -1 when the buffer lacks room. */
static int
sf_tcp_build_back(struct rte_mbuf *m, const struct sf_port *pt,
		const struct sf_pkt *p, const struct sf_flow_key *k,
		const struct sf_tcp_out *o)
{
	uint16_t l3_len, l4_len, total;
	uint8_t *buf;

	l3_len = k->fk_family == AF_INET ? sizeof(struct rte_ipv4_hdr) :
		sizeof(struct rte_ipv6_hdr);
	l4_len = sizeof(struct rte_tcp_hdr) + o->optlen;
	total = p->l2_len + l3_len + l4_len;
	if ((uint32_t)m->data_off + total > m->buf_len)
		return -1;      /* the frame untouched: the caller falls back */
	buf = sf_tcp_turn_back(m, pt, total);
	sf_tcp_set_ol(m, sf_tcp_write_l34(buf + p->l2_len, pt, k, o, l3_len,
		l4_len), p->l2_len, l3_len, l4_len);
	return 0;
}

/*
 * A segment sf_tcp_build() wrote, then plen bytes of payload the caller
 * put behind the header (in the header mbuf, or in segments chained to
 * it): the lengths grow by them and the sums follow (the IPv4 header's,
 * the TCP checksum over it all, or with TCP checksum offload the
 * pseudo-header sum the NIC starts from). Only data segments pay for
 * this; every other segment is built once.
 */
void
sf_tcp_finish(struct rte_mbuf *m, const struct sf_port *pt,
		const struct sf_l2peer *l2, bool v4, uint16_t plen)
{
	uint32_t l2_len = sizeof(struct rte_ether_hdr) +
		l2->lp_nb_vlan * sizeof(struct rte_vlan_hdr);
	uint32_t l3_len = v4 ? sizeof(struct rte_ipv4_hdr) :
		sizeof(struct rte_ipv6_hdr);
	uint32_t l4_len = rte_pktmbuf_pkt_len(m) - l2_len - l3_len;
	uint8_t *l3 = rte_pktmbuf_mtod_offset(m, uint8_t *, l2_len);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(l3 + l3_len);
	uint64_t sum, raw;

	if (v4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)l3;

		ip->total_length = rte_cpu_to_be_16(
			rte_be_to_cpu_16(ip->total_length) + plen);
		if (!pt->pt_tx_ip4_cksum) {
			ip->hdr_checksum = 0;
			ip->hdr_checksum = sf_ip4_hdr_cksum(ip);
		}
		if (pt->pt_tx_tcp_cksum) {
			th->cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
			return;
		}
		sum = (uint64_t)ip->src_addr + ip->dst_addr;
		sum += rte_cpu_to_be_16((uint16_t)l4_len);
		sum += rte_cpu_to_be_16((uint16_t)IPPROTO_TCP);
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)l3;

		ip6->payload_len = rte_cpu_to_be_16((uint16_t)l4_len);
		if (pt->pt_tx_tcp_cksum) {
			th->cksum = rte_ipv6_phdr_cksum(ip6, m->ol_flags);
			return;
		}
		sum = sf_ip6_pseudo_sum(ip6, l4_len, IPPROTO_TCP);
	}
	th->cksum = 0;
	if (!sf_cksum_chain(m, l2_len + l3_len, l4_len, &raw))
		return;
	sum += raw;
	th->cksum = sf_cksum_l4_store((uint16_t)~sf_cksum_fold64(sum));
}

/*
 * The reset RFC 9293 3.10.7.1 prescribes for a segment that belongs to no
 * connection: "If the incoming segment has an ACK field, the reset takes
 * its sequence number from the ACK field of the segment, otherwise the
 * reset has sequence number zero and the ACK field is set to the sum of
 * the sequence number and segment length of the incoming segment." A RST
 * is never answered (the caller checks).
 */
void
sf_tcp_rst_for(const struct sf_seg *s, struct sf_tcp_out *o)
{
	sf_tcp_out_clear(o);
	if (s->sg_flags & SF_TH_ACK) {
		o->seq = s->sg_ack;
		o->flags = SF_TH_RST;
	} else {
		o->ack = s->sg_seq + s->sg_seglen;
		o->flags = SF_TH_RST | SF_TH_ACK;
	}
}

/*
 * Answer s in place with o: the frame becomes the reply, sent back to the
 * L2 source of the frame (SPEC 1: replies go back where the frame they
 * answer came from).
 */
enum sf_verdict
sf_tcp_reply(struct sf_wtcp *wt, const struct sf_port *pt, struct sf_seg *s,
		const struct sf_tcp_out *o)
{
	struct sf_l2peer src;

	/*
	 * The key lives in s, not in the frame being overwritten. A frame
	 * the PMD put too close to its buffer's end for the reply is
	 * answered from the headroom, its L2 header taken apart first.
	 */
	if (sf_tcp_build_back(s->sg_m, pt, s->sg_p, &s->sg_key, o) != 0) {
		sf_l2peer_from_frame(s->sg_m, s->sg_p, &src);
		if (sf_tcp_build(s->sg_m, pt, &src, &s->sg_key, o) != 0)
			return sf_drop(&wt->wt_net,
				SF_CNT_drop_reply_no_room);
	}
	if (o->flags & SF_TH_RST)
		sf_count(&wt->wt_net, SF_CNT_out_rsts);
	return SF_VERDICT_TX;
}

/*
 * A SYN-ACK answering the SYN s in place: o's header fields, with the
 * options of to written straight into the frame (sf_tcp_opts_build_
 * synack()), not built aside and copied. The SYN's own options lie
 * where ours go: they were parsed into s->sg_opts before. A frame
 * without room behind it for the longest SYN-ACK goes the way of
 * sf_tcp_reply().
 */
__rte_always_inline enum sf_verdict
sf_tcp_reply_synack(struct sf_wtcp *wt, const struct sf_port *pt,
		struct sf_seg *s, struct sf_tcp_out *o,
		const struct sf_tcp_opts *to)
{
	struct rte_mbuf *m = s->sg_m;
	uint16_t l2_len = s->sg_p->l2_len, l3_len, l4_len;
	uint8_t *buf;

	l3_len = s->sg_key.fk_family == AF_INET ?
		sizeof(struct rte_ipv4_hdr) : sizeof(struct rte_ipv6_hdr);
	if ((uint32_t)m->data_off + l2_len + l3_len +
	    sizeof(struct rte_tcp_hdr) + SF_TCP_OPT_MAX > m->buf_len) {
		o->optlen = (uint8_t)sf_tcp_opts_build_synack(o->opt, to);
		return sf_tcp_reply(wt, pt, s, o);
	}
	buf = rte_pktmbuf_mtod(m, uint8_t *);
	l4_len = sizeof(struct rte_tcp_hdr) + sf_tcp_opts_build_synack(buf +
		l2_len + l3_len + sizeof(struct rte_tcp_hdr), to);
	sf_tcp_turn_back(m, pt, l2_len + l3_len + l4_len);
	sf_tcp_set_ol(m, sf_tcp_write_hdrs(buf + l2_len, pt, &s->sg_key, o,
		l3_len, l4_len), l2_len, l3_len, l4_len);
	return SF_VERDICT_TX;
}

/*
 * A segment the engine originates (a timer, an application's close): a
 * new mbuf, built and queued for tx on port. Returns 0, or -1 when it
 * could not be (no mbuf: tx_nombuf counted). A header-only segment
 * always fits an empty mbuf, so the build cannot fail on room.
 */
int
sf_tcp_send(struct sf_wtcp *wt, uint16_t port, const struct sf_l2peer *l2,
		const struct sf_flow_key *k, const struct sf_tcp_out *o)
{
	struct rte_mbuf *m = sf_net_alloc(&wt->wt_net);

	if (m == NULL)
		return -1;
	if (sf_tcp_build(m, sf_net_port(&wt->wt_net, port), l2, k, o) != 0) {
		rte_pktmbuf_free(m);
		return -1;
	}
	if (o->flags & SF_TH_RST)
		sf_count(&wt->wt_net, SF_CNT_out_rsts);
	sf_net_tx(&wt->wt_net, port, m);
	return 0;
}

/* The reset of sf_tcp_rst_for(), in place (never for a RST: callers check). */
enum sf_verdict
sf_tcp_reply_rst(struct sf_wtcp *wt, const struct sf_port *pt,
		struct sf_seg *s)
{
	struct sf_tcp_out o;

	sf_tcp_rst_for(s, &o);
	return sf_tcp_reply(wt, pt, s, &o);
}

/* <nop, nop, TS> as Linux puts on every segment after the SYN. */
uint8_t
sf_tcp_ts_opt(uint8_t *buf, uint32_t tsval, uint32_t tsecr)
{
	uint32_t v;

	buf[0] = SF_TCPOPT_NOP;
	buf[1] = SF_TCPOPT_NOP;
	buf[2] = SF_TCPOPT_TS;
	buf[3] = 10;
	v = rte_cpu_to_be_32(tsval);
	memcpy(buf + 4, &v, 4);
	v = rte_cpu_to_be_32(tsecr);
	memcpy(buf + 8, &v, 4);
	return 12;
}

uint8_t
sf_tcp_sack_opt(uint8_t *buf, const uint32_t (*blk)[2], unsigned int n)
{
	unsigned int i;
	uint32_t v;

	buf[0] = SF_TCPOPT_NOP;
	buf[1] = SF_TCPOPT_NOP;
	buf[2] = SF_TCPOPT_SACK;
	buf[3] = (uint8_t)(2 + 8 * n);
	for (i = 0; i < n; i++) {
		v = rte_cpu_to_be_32(blk[i][0]);
		memcpy(buf + 4 + 8 * i, &v, 4);
		v = rte_cpu_to_be_32(blk[i][1]);
		memcpy(buf + 8 + 8 * i, &v, 4);
	}
	return (uint8_t)(4 + 8 * n);
}
