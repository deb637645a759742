/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * UDP to one of our addresses. Nothing listens for UDP here, so every
 * datagram that passes Linux's checks in __udp4_lib_rcv() /
 * __udp6_lib_rcv() (length, checksum) ends where Linux's does for a
 * port with no socket: counted (NoPorts) and answered with a port
 * unreachable (RFC 1122 4.1.3.1, RFC 4443 3.1 code 4), within the ICMP
 * rate limits. A datagram that fails those checks gets no answer.
 */

#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "sf_cksum.h"
#include "sf_net.h"

enum sf_verdict
sf_udp_input(struct sf_net *nt, const struct sf_port *pt,
		struct rte_mbuf *m, struct sf_pkt *p)
{
	const struct rte_udp_hdr *uh;
	const void *l3;
	uint16_t ulen;
	bool v4 = p->ethertype == RTE_ETHER_TYPE_IPV4;

	if (p->l4_len < sizeof(*uh))
		return sf_drop(nt, SF_CNT_drop_udp_truncated);
	l3 = rte_pktmbuf_mtod_offset(m, const void *, p->l2_len);
	uh = rte_pktmbuf_mtod_offset(m, const struct rte_udp_hdr *,
			p->l2_len + p->l3_len);
	ulen = rte_be_to_cpu_16(uh->dgram_len);
	if (ulen < sizeof(*uh) || ulen > p->l4_len)
		return sf_drop(nt, SF_CNT_drop_udp_truncated);
	/*
	 * Bytes beyond the UDP length are not part of the datagram, as
	 * Linux's pskb_trim_rcsum() says; they stay in the quote only.
	 */
	if (v4) {
		/* Zero: the sender computed none (RFC 768). */
		if (uh->dgram_cksum != 0 &&
		    sf_ip4_l4_cksum(l3, uh, ulen, IPPROTO_UDP) != 0)
			return sf_drop(nt, SF_CNT_drop_udp_bad_csum);
	} else {
		/* RFC 8200 8.1: a zero UDP checksum is invalid over IPv6. */
		if (uh->dgram_cksum == 0 ||
		    sf_ip6_l4_cksum(l3, uh, ulen, IPPROTO_UDP) != 0)
			return sf_drop(nt, SF_CNT_drop_udp_bad_csum);
	}
	sf_icmp_err_send(nt, pt, m, p, v4 ? SF_ICMP_DEST_UNREACH :
		SF_ICMP6_DEST_UNREACH, v4 ? SF_ICMP_PORT_UNREACH :
		SF_ICMP6_PORT_UNREACH, 0);
	return sf_drop(nt, SF_CNT_drop_udp_no_port);
}
