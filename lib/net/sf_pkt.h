/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_PKT_H
#define SF_PKT_H

/*
 * Frame parsing and validation, layer by layer. Each parser checks one
 * header against the frame and fills struct sf_pkt; it returns SF_PKT_OK
 * or the counter that names why the frame must be dropped, so the parsers
 * stay free of per-lcore state and the unit tests can call them directly.
 * The caller guarantees the frame is in one segment. Private header.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "sf_counters.h"

/* Returned by the parsers when the header is valid. */
#define SF_PKT_OK SF_CNT_MAX

/* Most VLAN tags we look through (802.1ad outer + 802.1Q inner). */
#define SF_MAX_VLAN 2

/* Most IPv6 extension headers walked before giving up. */
#define SF_MAX_IP6_EXT 8

/* What to do with a frame once a handler is done with it. */
enum sf_verdict {
	SF_VERDICT_DROP = 0,  /* free it; the handler counted a drop_* */
	SF_VERDICT_TX,        /* rewritten in place into a reply: send it */
	SF_VERDICT_DONE,      /* taken in (no reply, no drop): free it */
	SF_VERDICT_KEPT,      /* the engine holds the mbuf now */
	/*
	 * An ICMP or ICMPv6 error about a datagram we sent (p->err_hard
	 * says which kind): the receive dispatch finds what it quotes and
	 * hands it to the protocol; never a final verdict.
	 */
	SF_VERDICT_ICMP_ERR,
};

/* Layout of one received frame, filled as parsing goes down the layers. */
struct sf_pkt {
	uint16_t l2_len;    /* Ethernet header and VLAN tags */
	uint16_t l3_len;    /* IPv4 header with options, IPv6 with ext hdrs */
	uint16_t l4_len;    /* L4 header and payload, from the IP lengths */
	uint16_t ethertype; /* innermost, host order */
	uint16_t vlan_tci;  /* outermost tag's TCI, host order; 0 if none */
	uint8_t nb_vlan;    /* VLAN tags seen */
	uint8_t l4_proto;   /* IPPROTO_* after extension headers */
	bool dst_mcast;     /* IPv6: destination is a multicast group */
	bool l2_mcast;      /* Ethernet destination broadcast or multicast */
	bool err_hard;      /* SF_VERDICT_ICMP_ERR: a hard error */
	/* SF_VERDICT_ICMP_ERR: the MTU a "fragmentation needed" or "packet
	 * too big" reports (RFC 1191, RFC 8201), or 0 */
	uint32_t err_mtu;
	uint16_t nh_off;    /* IPv6: offset in the L3 header of the byte
			     * that names l4_proto (parameter problem) */
};

/*
 * Ethernet and up to SF_MAX_VLAN tags. Frames for another unicast MAC are
 * refused; broadcast and multicast frames pass (ARP, ND need them).
 */
enum sf_counter sf_pkt_parse_l2(const struct rte_mbuf *m,
		const struct rte_ether_addr *port_mac, struct sf_pkt *p);

/*
 * IPv4 header at p->l2_len: version, IHL, total length against the frame,
 * header checksum (skipped when verify_csum is false, i.e. the NIC checked
 * it), fragments. Trims Ethernet padding beyond the total length.
 */
enum sf_counter sf_pkt_parse_ip4(struct rte_mbuf *m, struct sf_pkt *p,
		bool verify_csum);

/*
 * IPv6 header at p->l2_len: version, payload length against the frame,
 * extension headers skipped where that is safe (RFC 8200 4): hop-by-hop
 * and destination options whose options are all skippable, routing
 * headers with no segments left, atomic fragments (RFC 6946). Trims
 * Ethernet padding.
 */
enum sf_counter sf_pkt_parse_ip6(struct rte_mbuf *m, struct sf_pkt *p);

/*
 * IPv4 options of a header that has some (p->l3_len > 20), checked as
 * Linux's ip_options_compile() checks a received datagram: every option
 * within the header, lengths and pointers of record route, timestamp,
 * source routes and router alert sane, none of those twice, no CIPSO
 * (no domain of interpretation is configured here). Returns SF_PKT_OK,
 * drop_ip4_bad_options with *bad set to the offset of the offending byte
 * in the IPv4 header (the pointer of an ICMP parameter problem), or
 * drop_ip4_source_route for a well-formed loose or strict source route
 * (Linux's accept_source_route = 0).
 */
enum sf_counter sf_pkt_ip4_options(const struct rte_mbuf *m,
		const struct sf_pkt *p, uint16_t *bad);

/* TCP header bounds: 20 bytes at least, data offset within the segment. */
enum sf_counter sf_pkt_parse_tcp(const struct rte_mbuf *m,
		const struct sf_pkt *p);

#endif /* SF_PKT_H */
