/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * RSS in software: the Toeplitz hash a NIC programmed with sf_rss_key
 * gives a frame (software steering sends the frame to the worker that
 * owns that hash in the port's table), and the hash it gives the
 * segments of a flow (active open will pick source ports with it, so
 * the replies come back to the worker that sends). ICMP and ICMPv6
 * errors quoting a TCP segment we sent hash as the flow they quote.
 */

#include <netinet/in.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_thash.h>

#include "sf_net.h"

const uint8_t sf_rss_key[40] = {
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
};

/* sf_rss_key as rte_softrss_be() wants it (rte_convert_rss_key()). */
static uint8_t sf_rss_key_be[40];

static int64_t sf_rss_icmp_err(const struct sf_port *pt,
		struct rte_mbuf *m);

/*
 * The Toeplitz hash of a TCP frame's 4-tuple (source = the peer), or
 * -1 when the frame is not TCP over IPv4/IPv6 as far as a quick look
 * goes. IPv4 fragments are not TCP here (the worker drops them anyway);
 * IPv6 extension headers are walked by the full parser so that a flow
 * whose segments carry some stays on one worker.
 */
int64_t
sf_rss_frame(const struct sf_port *pt, struct rte_mbuf *m)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);
	const struct rte_tcp_hdr *th;
	union rte_thash_tuple t;
	uint16_t type, off = sizeof(struct rte_ether_hdr);
	unsigned int i;

	if (len < off)
		return -1;
	type = ((const struct rte_ether_hdr *)d)->ether_type;
	for (i = 0; i < SF_MAX_VLAN &&
	     (type == RTE_BE16(RTE_ETHER_TYPE_VLAN) ||
	      type == RTE_BE16(RTE_ETHER_TYPE_QINQ)); i++) {
		if (len < off + sizeof(struct rte_vlan_hdr))
			return -1;
		type = ((const struct rte_vlan_hdr *)(d + off))->eth_proto;
		off += sizeof(struct rte_vlan_hdr);
	}
	if (type == RTE_BE16(RTE_ETHER_TYPE_IPV4)) {
		const struct rte_ipv4_hdr *ip =
			(const struct rte_ipv4_hdr *)(d + off);
		uint16_t ihl;

		if (len >= off + sizeof(*ip) &&
		    ip->next_proto_id == IPPROTO_ICMP)
			return sf_rss_icmp_err(pt, m);
		if (len < off + sizeof(*ip) || (ip->version_ihl >> 4) != 4 ||
		    ip->next_proto_id != IPPROTO_TCP ||
		    (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG |
						    RTE_IPV4_HDR_OFFSET_MASK)))
			return -1;
		ihl = (ip->version_ihl & 0x0f) * 4;
		if (ihl < sizeof(*ip) || len < off + ihl + 4u)
			return -1;
		th = (const struct rte_tcp_hdr *)(d + off + ihl);
		t.v4.src_addr = rte_be_to_cpu_32(ip->src_addr);
		t.v4.dst_addr = rte_be_to_cpu_32(ip->dst_addr);
		t.v4.sport = rte_be_to_cpu_16(th->src_port);
		t.v4.dport = rte_be_to_cpu_16(th->dst_port);
		return rte_softrss_be((uint32_t *)&t, RTE_THASH_V4_L4_LEN,
				sf_rss_key_be);
	}
	if (type == RTE_BE16(RTE_ETHER_TYPE_IPV6)) {
		const struct rte_ipv6_hdr *ip6 =
			(const struct rte_ipv6_hdr *)(d + off);
		uint16_t l4 = off + sizeof(*ip6);

		if (len < off + sizeof(*ip6))
			return -1;
		if (ip6->proto != IPPROTO_TCP) {
			struct sf_pkt p;

			if (sf_pkt_parse_l2(m, &pt->pt_mac, &p) != SF_PKT_OK ||
			    p.ethertype != RTE_ETHER_TYPE_IPV6 ||
			    sf_pkt_parse_ip6(m, &p) != SF_PKT_OK)
				return -1;
			if (p.l4_proto == IPPROTO_ICMPV6)
				return sf_rss_icmp_err(pt, m);
			if (p.l4_proto != IPPROTO_TCP)
				return -1;
			l4 = p.l2_len + p.l3_len;
		}
		if (len < l4 + 4u)
			return -1;
		th = (const struct rte_tcp_hdr *)(d + l4);
		rte_thash_load_v6_addrs(ip6, &t);
		t.v6.sport = rte_be_to_cpu_16(th->src_port);
		t.v6.dport = rte_be_to_cpu_16(th->dst_port);
		return rte_softrss_be((uint32_t *)&t, RTE_THASH_V6_L4_LEN,
				sf_rss_key_be);
	}
	return -1;
}

/*
 * An ICMP or ICMPv6 error belongs to the flow it quotes (RFC 792, RFC
 * 4443 2.4 c): the quoted packet is one we sent, so in the flow's
 * received direction the quoted destination is the source. Returns that
 * flow's hash, or -1 when m is no error quoting TCP (it then stays on
 * the worker that received it, as ICMP echo does).
 */
static int64_t
sf_rss_icmp_err(const struct sf_port *pt, struct rte_mbuf *m)
{
	union rte_thash_tuple t;
	const uint8_t *ic, *q;
	struct sf_pkt p;
	uint32_t qlen, ihl;

	if (sf_pkt_parse_l2(m, &pt->pt_mac, &p) != SF_PKT_OK)
		return -1;
	if (p.ethertype == RTE_ETHER_TYPE_IPV4) {
		if (sf_pkt_parse_ip4(m, &p, false) != SF_PKT_OK ||
		    p.l4_proto != IPPROTO_ICMP)
			return -1;
	} else if (sf_pkt_parse_ip6(m, &p) != SF_PKT_OK ||
		   p.l4_proto != IPPROTO_ICMPV6) {
		return -1;
	}
	if (p.l4_len < 8)
		return -1;
	ic = rte_pktmbuf_mtod_offset(m, const uint8_t *, p.l2_len + p.l3_len);
	q = ic + 8;
	qlen = p.l4_len - 8u;
	if (p.l4_proto == IPPROTO_ICMP) {
		const struct rte_ipv4_hdr *qip = (const void *)q;

		if ((ic[0] != SF_ICMP_DEST_UNREACH &&
		     ic[0] != SF_ICMP_TIME_EXCEEDED &&
		     ic[0] != SF_ICMP_PARAMETERPROB) || qlen < sizeof(*qip) ||
		    (qip->version_ihl >> 4) != 4 ||
		    qip->next_proto_id != IPPROTO_TCP)
			return -1;
		ihl = (qip->version_ihl & 0x0f) * 4u;
		if (ihl < sizeof(*qip) || qlen < ihl + 4)
			return -1;
		t.v4.src_addr = rte_be_to_cpu_32(qip->dst_addr);
		t.v4.dst_addr = rte_be_to_cpu_32(qip->src_addr);
		t.v4.sport = (uint16_t)(q[ihl + 2] << 8 | q[ihl + 3]);
		t.v4.dport = (uint16_t)(q[ihl] << 8 | q[ihl + 1]);
		return rte_softrss_be((uint32_t *)&t, RTE_THASH_V4_L4_LEN,
				sf_rss_key_be);
	} else {
		struct rte_ipv6_hdr rev;

		if (ic[0] < SF_ICMP6_DEST_UNREACH ||
		    ic[0] > SF_ICMP6_PARAMPROB || qlen < sizeof(rev) + 4)
			return -1;
		memcpy(&rev, q, sizeof(rev));
		if ((rte_be_to_cpu_32(rev.vtc_flow) >> 28) != 6 ||
		    rev.proto != IPPROTO_TCP)
			return -1;
		memcpy(rev.src_addr, q + offsetof(struct rte_ipv6_hdr,
			dst_addr), 16);
		memcpy(rev.dst_addr, q + offsetof(struct rte_ipv6_hdr,
			src_addr), 16);
		rte_thash_load_v6_addrs(&rev, &t);
		q += sizeof(rev);
		t.v6.sport = (uint16_t)(q[2] << 8 | q[3]);
		t.v6.dport = (uint16_t)(q[0] << 8 | q[1]);
		return rte_softrss_be((uint32_t *)&t, RTE_THASH_V6_L4_LEN,
				sf_rss_key_be);
	}
}

int
sf_rss_owner(const struct sf_port *pt, struct rte_mbuf *m)
{
	int64_t h = sf_rss_frame(pt, m);

	if (h < 0)
		return -1;
	return pt->pt_reta[(uint32_t)h & (SF_STEER_RETA_SIZE - 1)];
}

void
sf_rss_init(void)
{
	rte_convert_rss_key((const uint32_t *)sf_rss_key,
		(uint32_t *)sf_rss_key_be, sizeof(sf_rss_key));
}

uint32_t
sf_rss_flow(const struct sf_flow_key *k)
{
	union rte_thash_tuple t;
	unsigned int i;

	memset(&t, 0, sizeof(t));
	if (k->fk_family == AF_INET) {
		t.v4.src_addr = rte_be_to_cpu_32(k->fk_raddr[0]);
		t.v4.dst_addr = rte_be_to_cpu_32(k->fk_laddr[0]);
		t.v4.sport = rte_be_to_cpu_16(k->fk_rport);
		t.v4.dport = rte_be_to_cpu_16(k->fk_lport);
		return rte_softrss_be((uint32_t *)&t, RTE_THASH_V4_L4_LEN,
				sf_rss_key_be);
	}
	/* Each 32-bit word in CPU order, as rte_thash_load_v6_addrs(). */
	for (i = 0; i < 4; i++) {
		uint32_t r = rte_be_to_cpu_32(k->fk_raddr[i]);
		uint32_t l = rte_be_to_cpu_32(k->fk_laddr[i]);

		memcpy(&t.v6.src_addr[4 * i], &r, 4);
		memcpy(&t.v6.dst_addr[4 * i], &l, 4);
	}
	t.v6.sport = rte_be_to_cpu_16(k->fk_rport);
	t.v6.dport = rte_be_to_cpu_16(k->fk_lport);
	return rte_softrss_be((uint32_t *)&t, RTE_THASH_V6_L4_LEN,
			sf_rss_key_be);
}
