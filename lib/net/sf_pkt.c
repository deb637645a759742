/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#include <netinet/in.h>
#include <stddef.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "sf_cksum.h"
#include "sf_pkt.h"

__rte_always_inline enum sf_counter
sf_pkt_parse_l2(const struct rte_mbuf *m,
		const struct rte_ether_addr *port_mac, struct sf_pkt *p)
{
	const struct rte_ether_hdr *eh;
	const struct rte_vlan_hdr *vh;
	uint16_t type;
	uint16_t off;

	if (rte_pktmbuf_data_len(m) < sizeof(*eh))
		return SF_CNT_drop_eth_truncated;
	eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	/*
	 * The port may be promiscuous (a tap is, to the kernel's bridge, or a
	 * NIC mirroring traffic): unicast frames for other hosts are not ours
	 * to answer.
	 */
	if (rte_is_unicast_ether_addr(&eh->dst_addr) &&
	    !rte_is_same_ether_addr(&eh->dst_addr, port_mac))
		return SF_CNT_drop_l2_not_for_us;

	/* Broadcast is a multicast address to Ethernet (the I/G bit). */
	p->l2_mcast = rte_is_multicast_ether_addr(&eh->dst_addr);
	off = sizeof(*eh);
	type = rte_be_to_cpu_16(eh->ether_type);
	p->nb_vlan = 0;
	p->vlan_tci = 0;
	while (type == RTE_ETHER_TYPE_VLAN || type == RTE_ETHER_TYPE_QINQ) {
		if (p->nb_vlan == SF_MAX_VLAN)
			return SF_CNT_drop_vlan_stack;
		if (rte_pktmbuf_data_len(m) < off + sizeof(*vh))
			return SF_CNT_drop_eth_truncated;
		vh = rte_pktmbuf_mtod_offset(m, const struct rte_vlan_hdr *,
				off);
		if (p->nb_vlan == 0)
			p->vlan_tci = rte_be_to_cpu_16(vh->vlan_tci);
		p->nb_vlan++;
		type = rte_be_to_cpu_16(vh->eth_proto);
		off += sizeof(*vh);
	}
	p->l2_len = off;
	p->ethertype = type;
	return SF_PKT_OK;
}

/* Drop bytes beyond the end of the IP datagram (Ethernet minimum padding). */
static void
sf_pkt_trim(struct rte_mbuf *m, uint32_t want)
{
	if (rte_pktmbuf_pkt_len(m) > want)
		rte_pktmbuf_trim(m, rte_pktmbuf_pkt_len(m) - want);
}

__rte_always_inline enum sf_counter
sf_pkt_parse_ip4(struct rte_mbuf *m, struct sf_pkt *p, bool verify_csum)
{
	const struct rte_ipv4_hdr *ip;
	uint32_t avail;
	uint16_t ihl, tot, frag;

	avail = rte_pktmbuf_data_len(m) - p->l2_len;
	if (avail < sizeof(*ip))
		return SF_CNT_drop_ip4_truncated;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
			p->l2_len);
	if ((ip->version_ihl >> 4) != 4)
		return SF_CNT_drop_ip4_bad_version;
	ihl = (ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) *
		RTE_IPV4_IHL_MULTIPLIER;
	if (ihl < sizeof(*ip) || ihl > avail)
		return SF_CNT_drop_ip4_bad_ihl;
	tot = rte_be_to_cpu_16(ip->total_length);
	if (tot < ihl || tot > avail)
		return SF_CNT_drop_ip4_bad_len;
	/* A header that sums to all ones (0xffff) carries a valid checksum. */
	if (verify_csum && !sf_ip4_hdr_ok(ip, ihl))
		return SF_CNT_drop_ip4_bad_csum;
	frag = rte_be_to_cpu_16(ip->fragment_offset);
	if (frag & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
		return SF_CNT_drop_ip4_fragment;

	sf_pkt_trim(m, p->l2_len + tot);
	p->l3_len = ihl;
	p->l4_len = tot - ihl;
	p->l4_proto = ip->next_proto_id;
	p->dst_mcast = false;
	return SF_PKT_OK;
}

/* IPv4 option types (RFC 791, RFC 781 for the timestamp, RFC 2113). */
#define SF_IPOPT_END   0
#define SF_IPOPT_NOOP  1
#define SF_IPOPT_RR    7
#define SF_IPOPT_TS    68
#define SF_IPOPT_LSRR  131
#define SF_IPOPT_CIPSO 134
#define SF_IPOPT_SSRR  137
#define SF_IPOPT_RA    148

/* Timestamp option flags (low nibble of its fourth byte). */
#define SF_IPOPT_TS_TSANDADDR 1
#define SF_IPOPT_TS_PRESPEC   3

/* Options an IPv4 header may carry once (bits of the seen mask). */
#define SF_IPOPT_SEEN_RR    0x01
#define SF_IPOPT_SEEN_TS    0x02
#define SF_IPOPT_SEEN_SRR   0x04
#define SF_IPOPT_SEEN_CIPSO 0x08

/* Where in an option Linux points at: its type, length, pointer, flags. */
#define SF_IPOPT_AT_TYPE 0
#define SF_IPOPT_AT_LEN  1
#define SF_IPOPT_AT_PTR  2
#define SF_IPOPT_AT_FLAG 3
#define SF_IPOPT_FINE    (-1)

/* An option that may appear once: SF_IPOPT_AT_TYPE when it did before. */
static inline bool
sf_ipopt_again(uint8_t *seen, uint8_t bit)
{
	bool again = *seen & bit;

	*seen |= bit;
	return again;
}

/*
 * One option of len bytes (2 or more, within the header) at o, by
 * ip_options_compile()'s rule for its type: SF_IPOPT_FINE, or the offset
 * in the option of the byte a parameter problem points at.
 */
static int
sf_ipopt_check(const uint8_t *o, uint8_t len, uint8_t *seen)
{
	uint8_t ptr = len > 2 ? o[2] : 0, flag;

	switch (o[0]) {
	case SF_IPOPT_LSRR:
	case SF_IPOPT_SSRR:
		/*
		 * Pointer from 1, at the type byte: at least 4. Unlike a
		 * record route, a source route is not checked for room (RFC
		 * 1812 5.2.4.1): it is dropped anyway.
		 */
		if (len < 3)
			return SF_IPOPT_AT_LEN;
		if (ptr < 4)
			return SF_IPOPT_AT_PTR;
		return sf_ipopt_again(seen, SF_IPOPT_SEEN_SRR) ?
			SF_IPOPT_AT_TYPE : SF_IPOPT_FINE;
	case SF_IPOPT_RR:
		if (sf_ipopt_again(seen, SF_IPOPT_SEEN_RR))
			return SF_IPOPT_AT_TYPE;
		if (len < 3)
			return SF_IPOPT_AT_LEN;
		/* When it still points in, a whole address must fit. */
		if (ptr < 4 || (ptr <= len && ptr + 3 > len))
			return SF_IPOPT_AT_PTR;
		return SF_IPOPT_FINE;
	case SF_IPOPT_TS:
		if (sf_ipopt_again(seen, SF_IPOPT_SEEN_TS))
			return SF_IPOPT_AT_TYPE;
		if (len < 4)
			return SF_IPOPT_AT_LEN;
		if (ptr < 5)
			return SF_IPOPT_AT_PTR;
		flag = o[3] & 0x0f;
		/*
		 * Room for a timestamp, and an address with it for flags 1
		 * and 3; Linux takes other flags in a received datagram.
		 */
		if (ptr <= len)
			return ptr + 3 > len ||
				((flag == SF_IPOPT_TS_TSANDADDR ||
				  flag == SF_IPOPT_TS_PRESPEC) && ptr + 7 > len) ?
				SF_IPOPT_AT_PTR : SF_IPOPT_FINE;
		/* Full, and its overflow count too. */
		return flag != SF_IPOPT_TS_PRESPEC && (o[3] >> 4) == 0x0f ?
			SF_IPOPT_AT_FLAG : SF_IPOPT_FINE;
	case SF_IPOPT_RA:
		return len < 4 ? SF_IPOPT_AT_LEN : SF_IPOPT_FINE;
	case SF_IPOPT_CIPSO:
		/*
		 * cipso_v4_validate() finds no domain of interpretation on a
		 * host that configured none (as synfront, which has no
		 * labels): a parameter problem at the DOI field.
		 */
		return sf_ipopt_again(seen, SF_IPOPT_SEEN_CIPSO) ?
			SF_IPOPT_AT_TYPE : SF_IPOPT_AT_PTR;
	default:
		return SF_IPOPT_FINE;   /* others are skipped, as Linux does */
	}
}

/*
 * The checks of Linux's ip_options_compile() for a received datagram,
 * in its order (which decides the pointer of the parameter problem):
 * the rule of each option (sf_ipopt_check()) names the byte Linux
 * points at.
 */
enum sf_counter
sf_pkt_ip4_options(const struct rte_mbuf *m, const struct sf_pkt *p,
		uint16_t *bad)
{
	const uint8_t *h = rte_pktmbuf_mtod_offset(m, const uint8_t *,
			p->l2_len);
	uint16_t i = sizeof(struct rte_ipv4_hdr), end = p->l3_len;
	uint8_t seen = 0;
	int at;

	while (i < end) {
		if (h[i] == SF_IPOPT_END)
			break;          /* the rest is padding */
		if (h[i] == SF_IPOPT_NOOP) {
			i++;
			continue;
		}
		/* A type with no length byte, or a length out of range. */
		if (end - i < 2 || h[i + 1] < 2 || h[i + 1] > end - i) {
			*bad = i;
			return SF_CNT_drop_ip4_bad_options;
		}
		at = sf_ipopt_check(h + i, h[i + 1], &seen);
		if (at != SF_IPOPT_FINE) {
			*bad = (uint16_t)(i + at);
			return SF_CNT_drop_ip4_bad_options;
		}
		i += h[i + 1];
	}
	/* Only a well-formed source route gets this far. */
	if (seen & SF_IPOPT_SEEN_SRR)
		return SF_CNT_drop_ip4_source_route;
	return SF_PKT_OK;
}

/*
 * RFC 8200 4.2: the two high-order bits of an option type say what a node
 * that does not recognise it must do; 00 is "skip over this option". We
 * recognise only padding, so any other action means the header is not
 * safe to skip.
 */
static bool
sf_ip6_opts_skippable(const uint8_t *h, uint16_t len)
{
	uint16_t i = 2;

	while (i < len) {
		uint8_t type = h[i];

		if (type == 0) {           /* Pad1 */
			i++;
			continue;
		}
		if (i + 2 > len || i + 2 + h[i + 1] > len)
			return false;      /* option runs past the header */
		if ((type >> 6) != 0 && type != 1)
			return false;
		i += 2 + h[i + 1];
	}
	return true;
}

enum sf_counter
sf_pkt_parse_ip6(struct rte_mbuf *m, struct sf_pkt *p)
{
	const struct rte_ipv6_hdr *ip6;
	const uint8_t *h;
	uint32_t avail;
	uint16_t plen, off, hlen;
	uint8_t nh;
	unsigned int i;

	avail = rte_pktmbuf_data_len(m) - p->l2_len;
	if (avail < sizeof(*ip6))
		return SF_CNT_drop_ip6_truncated;
	ip6 = rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *,
			p->l2_len);
	if ((rte_be_to_cpu_32(ip6->vtc_flow) >> 28) != 6)
		return SF_CNT_drop_ip6_bad_version;
	plen = rte_be_to_cpu_16(ip6->payload_len);
	/* Payload length 0 means a jumbogram (RFC 2675): not on Ethernet. */
	if (plen == 0 || plen > avail - sizeof(*ip6))
		return SF_CNT_drop_ip6_bad_len;
	sf_pkt_trim(m, p->l2_len + sizeof(*ip6) + plen);

	h = (const uint8_t *)(ip6 + 1);
	off = 0;
	nh = ip6->proto;
	p->nh_off = offsetof(struct rte_ipv6_hdr, proto);
	for (i = 0; ; i++) {
		/*
		 * After SF_MAX_IP6_EXT headers only an upper layer may come:
		 * it is not one more header to walk (AH, ESP and no-next-
		 * header are refused below in any case).
		 */
		if (i == SF_MAX_IP6_EXT && (nh == IPPROTO_HOPOPTS ||
		    nh == IPPROTO_DSTOPTS || nh == IPPROTO_ROUTING ||
		    nh == IPPROTO_FRAGMENT))
			return SF_CNT_drop_ip6_bad_exthdr;
		switch (nh) {
		case IPPROTO_HOPOPTS:
			/* RFC 8200 4.3: only right after the IPv6 header. */
			if (i != 0)
				return SF_CNT_drop_ip6_bad_exthdr;
			/* fall through */
		case IPPROTO_DSTOPTS:
			if (off + 8 > plen)
				return SF_CNT_drop_ip6_bad_exthdr;
			hlen = (h[off + 1] + 1) * 8;
			if (off + hlen > plen ||
			    !sf_ip6_opts_skippable(h + off, hlen))
				return SF_CNT_drop_ip6_bad_exthdr;
			break;
		case IPPROTO_ROUTING:
			if (off + 8 > plen)
				return SF_CNT_drop_ip6_bad_exthdr;
			hlen = (h[off + 1] + 1) * 8;
			/* Segments left: we would have to forward it. */
			if (off + hlen > plen || h[off + 3] != 0)
				return SF_CNT_drop_ip6_bad_exthdr;
			break;
		case IPPROTO_FRAGMENT:
			if (off + 8 > plen)
				return SF_CNT_drop_ip6_bad_exthdr;
			/*
			 * RFC 6946: an atomic fragment (offset 0, M clear) is
			 * the whole packet and is processed as such.
			 */
			if ((rte_be_to_cpu_16(*(const uint16_t *)(h + off + 2)) &
			     0xfff9) != 0)
				return SF_CNT_drop_ip6_fragment;
			hlen = 8;
			break;
		case IPPROTO_AH:
		case IPPROTO_ESP:
		case IPPROTO_NONE:
			return SF_CNT_drop_ip6_bad_exthdr;
		default:
			goto done;
		}
		nh = h[off];
		p->nh_off = sizeof(*ip6) + off;
		off += hlen;
	}
done:
	p->l3_len = sizeof(*ip6) + off;
	p->l4_len = plen - off;
	p->l4_proto = nh;
	p->dst_mcast = ip6->dst_addr[0] == 0xff;
	return SF_PKT_OK;
}

enum sf_counter
sf_pkt_parse_tcp(const struct rte_mbuf *m, const struct sf_pkt *p)
{
	const struct rte_tcp_hdr *th;
	uint16_t doff;

	if (p->l4_len < sizeof(*th))
		return SF_CNT_drop_tcp_truncated;
	th = rte_pktmbuf_mtod_offset(m, const struct rte_tcp_hdr *,
			p->l2_len + p->l3_len);
	doff = (th->data_off >> 4) * 4;
	if (doff < sizeof(*th) || doff > p->l4_len)
		return SF_CNT_drop_tcp_bad_doff;
	return SF_PKT_OK;
}
