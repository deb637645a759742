/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * The PROXY protocol header (HAProxy's proxy-protocol.txt), written by
 * the SYN proxy at the start of the backend stream: the backend (nginx
 * with proxy_protocol, HAProxy, and many servers) then knows the client's
 * address although the connection comes from synfront (FULLNAT).
 *
 * Version 1, text:   "PROXY TCP4 <src> <dst> <sport> <dport>\r\n"
 *                    (TCP6 for IPv6, addresses as inet_ntop() writes
 *                    them, ports in decimal); "PROXY UNKNOWN\r\n" for a
 *                    connection of the proxy's own.
 * Version 2, binary: the 12-byte signature \r\n\r\n\0\r\nQUIT\n,
 *                    version 2 and command (PROXY 0x21, LOCAL 0x20),
 *                    family and transport (0x11 TCP over IPv4, 0x21 TCP
 *                    over IPv6, 0x00 for LOCAL), the length of what
 *                    follows (big-endian), then source address,
 *                    destination address, source port, destination port,
 *                    in network order. No TLV is sent.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>

#include "sf_proxy_pvt.h"

static const uint8_t sf_pp2_sig[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a
};

int
sf_pp_v1(char *buf, size_t len, const struct sf_flow_key *k, bool local)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	int af, n;

	if (local) {
		n = snprintf(buf, len, "PROXY UNKNOWN\r\n");
	} else {
		if (k->fk_family != AF_INET && k->fk_family != AF_INET6)
			return -EINVAL;
		af = k->fk_family;
		if (inet_ntop(af, k->fk_raddr, src, sizeof(src)) == NULL ||
		    inet_ntop(af, k->fk_laddr, dst, sizeof(dst)) == NULL)
			return -EINVAL;
		n = snprintf(buf, len, "PROXY %s %s %s %u %u\r\n",
			af == AF_INET ? "TCP4" : "TCP6", src, dst,
			rte_be_to_cpu_16(k->fk_rport),
			rte_be_to_cpu_16(k->fk_lport));
	}
	/* snprintf() counts the NUL it needs; the header has none. */
	return n < 0 || (size_t)n >= len ? -ENOSPC : n;
}

int
sf_pp_v2(uint8_t *buf, size_t len, const struct sf_flow_key *k, bool local)
{
	uint16_t alen, ab;
	uint8_t *p;

	if (!local && k->fk_family != AF_INET && k->fk_family != AF_INET6)
		return -EINVAL;
	ab = local ? 0 : k->fk_family == AF_INET ? 4 : 16;
	alen = local ? 0 : (uint16_t)(2 * ab + 4);
	if (len < (size_t)16 + alen)
		return -ENOSPC;
	memcpy(buf, sf_pp2_sig, sizeof(sf_pp2_sig));
	buf[12] = local ? 0x20 : 0x21;
	buf[13] = local ? 0x00 : k->fk_family == AF_INET ? 0x11 : 0x21;
	buf[14] = (uint8_t)(alen >> 8);
	buf[15] = (uint8_t)alen;
	p = buf + 16;
	if (!local) {
		memcpy(p, k->fk_raddr, ab);
		memcpy(p + ab, k->fk_laddr, ab);
		memcpy(p + 2 * ab, &k->fk_rport, 2);
		memcpy(p + 2 * ab + 2, &k->fk_lport, 2);
	}
	return 16 + alen;
}
