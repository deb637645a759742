/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>

#include "sf_net.h"

int
sf_addr_parse(const char *str, struct sf_addr *out)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash;
	char *end;
	size_t alen;
	long plen;
	int max;

	if (str == NULL || out == NULL)
		return -EINVAL;
	slash = strchr(str, '/');
	alen = slash != NULL ? (size_t)(slash - str) : strlen(str);
	if (alen == 0 || alen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, str, alen);
	buf[alen] = '\0';

	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, buf, &out->v4) == 1) {
		out->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, out->v6) == 1) {
		out->family = AF_INET6;
		max = 128;
	} else {
		return -EINVAL;
	}
	if (slash == NULL) {
		out->prefix_len = max;
		return 0;
	}
	errno = 0;
	plen = strtol(slash + 1, &end, 10);
	if (slash[1] == '\0' || *end != '\0' || errno != 0)
		return -EINVAL;
	if (plen < 0 || plen > max)
		return -ERANGE;
	out->prefix_len = (uint8_t)plen;
	return 0;
}

int
sf_addr_port_parse(const char *str, struct sf_addr *out, uint16_t *port)
{
	char buf[INET6_ADDRSTRLEN + 2];
	const char *colon, *a = str;
	unsigned long v;
	size_t alen;
	char *end;
	bool v6;

	if (str == NULL || out == NULL || port == NULL)
		return -EINVAL;
	v6 = str[0] == '[';
	if (v6) {
		a = str + 1;
		colon = strchr(a, ']');
		if (colon == NULL || colon[1] != ':')
			return -EINVAL;
		alen = (size_t)(colon - a);
		colon++;
	} else {
		colon = strrchr(str, ':');
		if (colon == NULL)
			return -EINVAL;
		alen = (size_t)(colon - str);
	}
	if (alen == 0 || alen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, a, alen);
	buf[alen] = '\0';
	if (strchr(buf, '/') != NULL || sf_addr_parse(buf, out) != 0 ||
	    (out->family == AF_INET6) != v6)
		return -EINVAL;
	errno = 0;
	v = strtoul(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end != '\0' || errno != 0 ||
	    v == 0 || v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

char *
sf_addr_port_format(const struct sf_addr *a, uint16_t port, char *buf,
		size_t len)
{
	char ab[INET6_ADDRSTRLEN];

	if (inet_ntop(a->family == AF_INET6 ? AF_INET6 : AF_INET,
			a->family == AF_INET6 ? (const void *)a->v6 :
			(const void *)&a->v4, ab, sizeof(ab)) == NULL)
		snprintf(ab, sizeof(ab), "?");
	snprintf(buf, len, a->family == AF_INET6 ? "[%s]:%u" : "%s:%u", ab,
		port);
	return buf;
}

char *
sf_addr_format(const struct sf_addr *a, char *buf, size_t len)
{
	char ab[INET6_ADDRSTRLEN];

	if (inet_ntop(a->family, a->family == AF_INET ?
			(const void *)&a->v4 : (const void *)a->v6,
			ab, sizeof(ab)) == NULL)
		snprintf(ab, sizeof(ab), "?");
	snprintf(buf, len, "%s/%u", ab, a->prefix_len);
	return buf;
}

__rte_always_inline bool
sf_port_owns_v4(const struct sf_port *pt, uint32_t a)
{
	unsigned int i;

	for (i = 0; i < pt->pt_nb_v4; i++)
		if (pt->pt_v4[i] == a)
			return true;
	return false;
}

bool
sf_port_owns_v6(const struct sf_port *pt, const uint8_t *a)
{
	unsigned int i;

	for (i = 0; i < pt->pt_nb_v6; i++)
		if (memcmp(pt->pt_v6[i], a, 16) == 0)
			return true;
	return false;
}

/*
 * RFC 4291 2.7.1: the solicited-node group of an address is
 * ff02::1:ff00:0/104 with the address's low 24 bits.
 */
static const uint8_t sf_snm_prefix[13] = {
	0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff
};

bool
sf_port_owns_v6_snm(const struct sf_port *pt, const uint8_t *a)
{
	unsigned int i;

	if (memcmp(a, sf_snm_prefix, sizeof(sf_snm_prefix)) != 0)
		return false;
	for (i = 0; i < pt->pt_nb_v6; i++)
		if (memcmp(pt->pt_v6[i] + 13, a + 13, 3) == 0)
			return true;
	return false;
}

/*
 * Sources no host may use (RFC 1122 3.2.1.3, RFC 5735): "this network"
 * 0/8, loopback 127/8, multicast 224/4 and reserved 240/4 including the
 * limited broadcast. Linux drops the same set in ip_route_input_slow()
 * (martian source).
 */
__rte_always_inline bool
sf_v4_is_martian_src(uint32_t a)
{
	uint32_t h = rte_be_to_cpu_32(a);
	uint8_t top = h >> 24;

	return top == 0 || top == 127 || top >= 224;
}

/*
 * RFC 1122 3.2.1.3 (c), (d): the directed broadcast of a network the port
 * is on is no source either. Linux finds it, and the network address
 * (the old all-zeros broadcast), as broadcast routes of its local table:
 * fib_validate_source() refuses them. The host masks are computed when
 * the address is added, so this is masks and compares on the fast path.
 */
__rte_always_inline bool
sf_port_v4_is_bcast(const struct sf_port *pt, uint32_t a)
{
	unsigned int i;

	for (i = 0; i < pt->pt_nb_v4; i++) {
		uint32_t hm = pt->pt_v4_hostmask[i];

		if (hm == 0 || ((a ^ pt->pt_v4[i]) & ~hm) != 0)
			continue;
		if ((a & hm) == hm || (a & hm) == 0)
			return true;
	}
	return false;
}

/*
 * RFC 4291: a multicast or loopback address is never a source; Linux's
 * ipv6_rcv() also drops IPv4-mapped sources (RFC 4038 4.2). The
 * unspecified address is legal for DAD and is checked by the ND code.
 */
bool
sf_v6_is_martian_src(const uint8_t *a)
{
	static const uint8_t loopback[16] = { [15] = 1 };
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	return a[0] == 0xff || memcmp(a, loopback, 16) == 0 ||
		memcmp(a, mapped, 12) == 0;
}
