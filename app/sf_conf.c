/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * Configuration: one table of settings serves both the INI file and the
 * command line. A setting's INI key is its long option with '-' turned
 * into '_', so "--syn-backlog 256" and "syn_backlog = 256" go through the
 * same parser and produce the same error text for a bad value.
 */

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <rte_cfgfile.h>
#include <rte_common.h>

#include "sf_conf.h"

#define SF_PRG "synfront"

/* Linux defaults: net.core.somaxconn 4096, tcp_max_syn_backlog 128 at the
 * low end (it scales with memory), tcp_synack_retries 5, tcp_syncookies 1. */
#define SF_DEF_BACKLOG        4096
#define SF_DEF_SYN_BACKLOG    1024
#define SF_DEF_SYNACK_RETRIES 5
#define SF_DEF_SYNACK_TIMEOUT_MS 1000
#define SF_DEF_KEEPALIVE_INTVL_MS 75000
#define SF_DEF_KEEPALIVE_PROBES 9
#define SF_DEF_SYNCOOKIES     1
/* Linux's SYN-ACK: window 65535 unscaled, shift 7 with default tcp_rmem. */
#define SF_DEF_WINDOW         65535
#define SF_DEF_WSCALE         7
#define SF_DEF_TIME_WAIT_MS   60000
#define SF_DEF_SNDBUF         262144  /* the engine's SF_SNDBUF_DEFAULT */
#define SF_DEF_TCP_RETRIES2   15      /* the engine's, Linux's */
#define SF_DEF_SYN_RETRIES    SF_SYN_RETRIES_DEFAULT
#define SF_DEF_MAX_REQUESTS   16384
#define SF_DEF_MAX_CONNS      65536
/* Linux's icmp_ratelimit, icmp_msgs_per_sec and icmp_msgs_burst. */
#define SF_DEF_ICMP_RATELIMIT    1000
#define SF_DEF_ICMP_MSGS_PER_SEC 1000
#define SF_DEF_ICMP_MSGS_BURST   50

static const char *const sf_builtin_names[] = {
	[SF_BUILTIN_SINK] = "sink",
	[SF_BUILTIN_RST] = "rst",
	[SF_BUILTIN_CLOSE] = "close",
	[SF_BUILTIN_NONE] = "none",
	[SF_BUILTIN_DISCARD] = "discard",
	[SF_BUILTIN_ECHO] = "echo",
	[SF_BUILTIN_PROXY] = "proxy",
	[SF_BUILTIN_HTTP] = "http",
};

static const char *const sf_steering_names[] = {
	[SF_STEER_AUTO] = "auto",
	[SF_STEER_RSS] = "rss",
	[SF_STEER_SW] = "sw",
};

const char *
sf_builtin_name(enum sf_builtin_kind a)
{
	return sf_builtin_names[a];
}

const char *
sf_steering_name(enum sf_steering s)
{
	return sf_steering_names[s];
}

void
sf_conf_defaults(struct sf_conf *conf)
{
	struct sf_pool_params pp;
	struct sf_proxy_params xp;

	memset(conf, 0, sizeof(*conf));
	conf->app = SF_BUILTIN_SINK;
	conf->syncookies = SF_DEF_SYNCOOKIES;
	conf->backlog = SF_DEF_BACKLOG;
	conf->syn_backlog = SF_DEF_SYN_BACKLOG;
	conf->synack_retries = SF_DEF_SYNACK_RETRIES;
	conf->window = SF_DEF_WINDOW;
	conf->wscale = SF_DEF_WSCALE;
	conf->timestamps = true;
	conf->sack = true;
	conf->ecn = true;
	conf->synack_timeout_ms = SF_DEF_SYNACK_TIMEOUT_MS;
	conf->keepalive_intvl_ms = SF_DEF_KEEPALIVE_INTVL_MS;
	conf->keepalive_probes = SF_DEF_KEEPALIVE_PROBES;
	conf->somaxconn = SF_DEF_BACKLOG;
	conf->time_wait_ms = SF_DEF_TIME_WAIT_MS;
	conf->sndbuf = SF_DEF_SNDBUF;
	conf->tcp_retries2 = SF_DEF_TCP_RETRIES2;
	conf->max_requests = SF_DEF_MAX_REQUESTS;
	conf->max_conns = SF_DEF_MAX_CONNS;
	conf->steering = SF_STEER_AUTO;
	conf->icmp_errors = true;
	conf->announce = true;
	conf->local_port_lo = SF_LOCAL_PORT_LO_DEFAULT;
	conf->local_port_hi = SF_LOCAL_PORT_HI_DEFAULT;
	conf->syn_retries = SF_DEF_SYN_RETRIES;
	conf->connect_conns = 1;
	conf->connect_parallel = 1;
	/* The engine's (HAProxy's) defaults. */
	sf_pool_params_init(&pp);
	conf->pool0.sched = pp.sched;
	conf->pool0.rise = pp.rise;
	conf->pool0.fall = pp.fall;
	conf->pool0.check_ms = pp.check_ms;
	conf->pool0.check_timeout_ms = pp.check_timeout_ms;
	sf_proxy_params_init(&xp);
	conf->proxy_idle_ms = xp.idle_ms;
	conf->proxy_fin_idle_ms = xp.fin_idle_ms;
	conf->backend_retries = xp.retries;
	conf->icmp_ratelimit = SF_DEF_ICMP_RATELIMIT;
	conf->icmp_msgs_per_sec = SF_DEF_ICMP_MSGS_PER_SEC;
	conf->icmp_msgs_burst = SF_DEF_ICMP_MSGS_BURST;
	{
		struct sf_http_params hp;

		sf_http_params_init(&hp);
		snprintf(conf->http.server, sizeof(conf->http.server), "%s",
			hp.server);
		conf->http.max_header_bytes = hp.max_header_bytes;
		conf->http.max_body_bytes = hp.max_body_bytes;
		conf->http.keepalive_timeout_ms = hp.idle_timeout_ms;
		conf->http.keepalive_requests = hp.max_requests;
	}
}

static int __rte_format_printf(2, 3)
sf_conf_error(const char *where, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", SF_PRG, where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return -SF_EXIT_USAGE;
}

static int
sf_parse_uint(const char *where, const char *val, unsigned long min,
		unsigned long max, const char *unit, unsigned int *out)
{
	unsigned long v;
	char *end;

	/* Digits only: strtoul would also take " 5", "+5" and "-1". */
	if (*val < '0' || *val > '9')
		return sf_conf_error(where,
			"invalid value '%s': expected an integer %lu..%lu%s%s",
			val, min, max, unit[0] ? " " : "", unit);
	errno = 0;
	v = strtoul(val, &end, 10);
	if (*end != '\0' || errno != 0 ||
	    v < min || v > max)
		return sf_conf_error(where,
			"invalid value '%s': expected an integer %lu..%lu%s%s",
			val, min, max, unit[0] ? " " : "", unit);
	*out = (unsigned int)v;
	return 0;
}

static int
sf_parse_bool(const char *where, const char *val, bool *out)
{
	if (strcmp(val, "1") == 0 || strcmp(val, "yes") == 0 ||
	    strcmp(val, "true") == 0 || strcmp(val, "on") == 0)
		*out = true;
	else if (strcmp(val, "0") == 0 || strcmp(val, "no") == 0 ||
		 strcmp(val, "false") == 0 || strcmp(val, "off") == 0)
		*out = false;
	else
		return sf_conf_error(where,
			"invalid value '%s': expected yes/no, true/false, on/off or 1/0",
			val);
	return 0;
}

static int
sf_parse_name(const char *where, const char *val, const char *const *names,
		unsigned int n, unsigned int *out)
{
	char expected[128] = "";
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (strcmp(val, names[i]) == 0) {
			*out = i;
			return 0;
		}
		strncat(expected, i ? ", " : "", sizeof(expected) -
			strlen(expected) - 1);
		strncat(expected, names[i], sizeof(expected) -
			strlen(expected) - 1);
	}
	return sf_conf_error(where, "invalid value '%s': expected one of %s",
		val, expected);
}

static int
sf_parse_addr(const char *where, const char *val, struct sf_port_addrs *pa)
{
	struct sf_addr a;
	unsigned int i;
	int ret;

	ret = sf_addr_parse(val, &a);
	if (ret == -ERANGE)
		return sf_conf_error(where,
			"invalid prefix in '%s': expected /0../32 for IPv4, /0../128 for IPv6",
			val);
	if (ret != 0)
		return sf_conf_error(where,
			"invalid address '%s': expected ADDR/PREFIX, e.g. 10.10.0.1/24 or fd00:10:10::1/64",
			val);
	for (i = 0; i < pa->pa_nb; i++)
		if (pa->pa_addr[i].family == a.family &&
		    memcmp(&pa->pa_addr[i].v6, &a.v6,
			   a.family == AF_INET ? 4 : 16) == 0)
			return sf_conf_error(where,
				"address '%s' given twice", val);
	if (pa->pa_nb == SF_MAX_ADDRS_PER_PORT)
		return sf_conf_error(where,
			"too many addresses at '%s': at most %d per port",
			val, SF_MAX_ADDRS_PER_PORT);
	pa->pa_addr[pa->pa_nb++] = a;
	return 0;
}

#define SF_ROUTE_SYNTAX \
	"expected PREFIX via GATEWAY [dev PORT], e.g. 10.1.0.0/16 via 10.0.0.254 dev 0"

/*
 * A static route: "PREFIX via GATEWAY [dev PORT]", words as `ip route
 * add` takes them. Only the syntax is checked here; whether the gateway
 * is on a connected prefix is the engine's to say once the ports have
 * their addresses (main.c).
 */
static int
sf_parse_route(const char *where, const char *val, struct sf_conf *conf)
{
	char buf[sizeof(conf->routes[0].rc_text)], *tok[6], *save = NULL, *w;
	struct sf_route_conf *rc;
	unsigned int n = 0, i, alen;
	unsigned long port;
	uint8_t *b;
	char *end;
	int ret;

	if (conf->nb_routes == SF_CONF_MAX_ROUTES)
		return sf_conf_error(where,
			"too many routes at '%s': at most %d", val,
			SF_CONF_MAX_ROUTES);
	if (strlen(val) >= sizeof(buf))
		return sf_conf_error(where, "route '%.40s...' too long", val);
	snprintf(buf, sizeof(buf), "%s", val);
	for (w = strtok_r(buf, " \t", &save); w != NULL;
	     w = strtok_r(NULL, " \t", &save)) {
		if (n == RTE_DIM(tok))
			return sf_conf_error(where,
				"invalid route '%s': %s", val,
				SF_ROUTE_SYNTAX);
		tok[n++] = w;
	}
	if (n == 0)
		return sf_conf_error(where, "empty route: %s",
			SF_ROUTE_SYNTAX);
	rc = &conf->routes[conf->nb_routes];
	memset(rc, 0, sizeof(*rc));
	ret = sf_addr_parse(tok[0], &rc->rc_prefix);
	if (ret == -ERANGE)
		return sf_conf_error(where,
			"invalid prefix length in '%s' of route '%s': expected /0../32 for IPv4, /0../128 for IPv6",
			tok[0], val);
	if (ret != 0)
		return sf_conf_error(where,
			"invalid prefix '%s' in route '%s': expected ADDR/PREFIX, e.g. 10.1.0.0/16, 0.0.0.0/0 or 2001:db8::/32",
			tok[0], val);
	/* As `ip route` says "Invalid prefix for given prefix length". */
	alen = rc->rc_prefix.family == AF_INET ? 4 : 16;
	b = rc->rc_prefix.family == AF_INET ? (uint8_t *)&rc->rc_prefix.v4 :
		rc->rc_prefix.v6;
	for (i = 0; i < alen; i++) {
		unsigned int bit = i * 8, plen = rc->rc_prefix.prefix_len;
		uint8_t keep = bit >= plen ? 0 : bit + 8 <= plen ? 0xff :
			(uint8_t)(0xff << (bit + 8 - plen));

		if ((b[i] & ~keep) != 0) {
			char norm[64];

			b[i] &= keep;
			while (++i < alen)
				b[i] = 0;
			return sf_conf_error(where,
				"prefix '%s' of route '%s' has host bits set: expected %s",
				tok[0], val, sf_addr_format(&rc->rc_prefix,
					norm, sizeof(norm)));
		}
	}
	if (n < 3 || strcmp(tok[1], "via") != 0)
		return sf_conf_error(where,
			"missing 'via GATEWAY' in route '%s': %s", val,
			SF_ROUTE_SYNTAX);
	if (sf_addr_parse(tok[2], &rc->rc_gw) != 0 ||
	    strchr(tok[2], '/') != NULL)
		return sf_conf_error(where,
			"invalid gateway '%s' in route '%s': expected an IPv4 or IPv6 address, without /PREFIX",
			tok[2], val);
	if (rc->rc_gw.family != rc->rc_prefix.family)
		return sf_conf_error(where,
			"gateway '%s' of route '%s' is not of the prefix's family (IPv%c)",
			tok[2], val,
			rc->rc_prefix.family == AF_INET ? '4' : '6');
	rc->rc_port = SF_ROUTE_PORT_ANY;
	if (n > 3) {
		if (strcmp(tok[3], "dev") != 0 || n > 5)
			return sf_conf_error(where,
				"unexpected '%s' in route '%s': %s",
				tok[strcmp(tok[3], "dev") != 0 ? 3 : 5], val,
				SF_ROUTE_SYNTAX);
		if (n == 4)
			return sf_conf_error(where,
				"missing port after 'dev' in route '%s': %s",
				val, SF_ROUTE_SYNTAX);
		errno = 0;
		port = strtoul(tok[4], &end, 10);
		if (!isdigit((unsigned char)tok[4][0]) || *end != '\0' ||
		    errno != 0 || port >= RTE_MAX_ETHPORTS)
			return sf_conf_error(where,
				"invalid port '%s' in route '%s': expected dev 0..%d, a port id",
				tok[4], val, RTE_MAX_ETHPORTS - 1);
		rc->rc_port = (uint16_t)port;
	}
	snprintf(rc->rc_text, sizeof(rc->rc_text), "%s", val);
	conf->nb_routes++;
	return 0;
}

/* [ADDR:]PORT, [V6ADDR]:PORT, or PORT alone for every address. */
static int
sf_parse_listen(const char *where, const char *val, struct sf_conf *conf)
{
	struct sf_listen_conf *ls;
	char abuf[64];
	const char *portstr;
	unsigned int port;
	size_t alen;

	if (conf->nb_listen == SF_MAX_LISTENERS)
		return sf_conf_error(where, "too many listeners at '%s': at most %d",
			val, SF_MAX_LISTENERS);
	ls = &conf->listen[conf->nb_listen];
	memset(ls, 0, sizeof(*ls));
	if (val[0] == '[') {
		const char *close = strchr(val, ']');

		if (close == NULL || close[1] != ':')
			return sf_conf_error(where,
				"invalid listener '%s': expected [V6ADDR]:PORT", val);
		alen = close - val - 1;
		portstr = close + 2;
		if (alen >= sizeof(abuf))
			return sf_conf_error(where, "invalid listener '%s'", val);
		memcpy(abuf, val + 1, alen);
		abuf[alen] = '\0';
		if (sf_addr_parse(abuf, &ls->ls_addr) != 0 ||
		    ls->ls_addr.family != AF_INET6 || strchr(abuf, '/'))
			return sf_conf_error(where,
				"invalid IPv6 address in listener '%s'", val);
	} else if (strchr(val, ':') != NULL) {
		portstr = strrchr(val, ':') + 1;
		alen = portstr - val - 1;
		if (alen >= sizeof(abuf))
			return sf_conf_error(where, "invalid listener '%s'", val);
		memcpy(abuf, val, alen);
		abuf[alen] = '\0';
		if (sf_addr_parse(abuf, &ls->ls_addr) != 0 ||
		    ls->ls_addr.family != AF_INET || strchr(abuf, '/'))
			return sf_conf_error(where,
				"invalid listener '%s': expected [ADDR:]PORT, [V6ADDR]:PORT for IPv6",
				val);
	} else {
		portstr = val;
	}
	if (sf_parse_uint(where, portstr, 1, 65535, "(TCP port)", &port) != 0)
		return -SF_EXIT_USAGE;
	ls->ls_port = (uint16_t)port;
	conf->nb_listen++;
	return 0;
}

static int
sf_parse_lcore_list(const char *where, const char *val, char *out,
		size_t len)
{
	const char *s = val;
	char *end;
	long a, b;

	/* "0,2-3": comma-separated lcore ids and ranges. */
	do {
		errno = 0;
		a = strtol(s, &end, 10);
		if (end == s || a < 0 || a >= RTE_MAX_LCORE || errno)
			goto bad;
		b = a;
		if (*end == '-') {
			s = end + 1;
			b = strtol(s, &end, 10);
			if (end == s || b < a || b >= RTE_MAX_LCORE || errno)
				goto bad;
		}
		s = end;
	} while (*s == ',' && *++s != '\0');
	/* s[-1]: a trailing comma ("2,") ends the loop at the NUL too. */
	if (*s != '\0' || s[-1] == ',')
		goto bad;
	if (strlen(val) >= len)
		goto bad;
	snprintf(out, len, "%s", val);
	return 0;
bad:
	return sf_conf_error(where,
		"invalid lcore list '%s': expected ids and ranges below %d, e.g. 2,4-5",
		val, RTE_MAX_LCORE);
}

/* Settings of the [synfront] section and their command-line options. */
enum sf_key {
	SF_KEY_STATS_INTERVAL,
	SF_KEY_STATS_FILE,
	SF_KEY_ADDR,
	SF_KEY_LISTEN,
	SF_KEY_APP,
	SF_KEY_SYNCOOKIES,
	SF_KEY_BACKLOG,
	SF_KEY_SYN_BACKLOG,
	SF_KEY_SYNACK_RETRIES,
	SF_KEY_DEFER_ACCEPT,
	SF_KEY_ABORT_ON_OVERFLOW,
	SF_KEY_STEERING,
	SF_KEY_APP_LCORES,
	SF_KEY_TX_DRAIN_US,
	SF_KEY_RX_QUEUES,
	SF_KEY_MSS,
	SF_KEY_WINDOW,
	SF_KEY_WSCALE,
	SF_KEY_TIMESTAMPS,
	SF_KEY_SACK,
	SF_KEY_ECN,
	SF_KEY_SYNACK_TIMEOUT_MS,
	SF_KEY_KEEPALIVE_MS,
	SF_KEY_KEEPALIVE_INTVL_MS,
	SF_KEY_KEEPALIVE_PROBES,
	SF_KEY_IDLE_TIMEOUT_MS,
	SF_KEY_SOMAXCONN,
	SF_KEY_NO_LISTENER,
	SF_KEY_TIME_WAIT_MS,
	SF_KEY_MAX_REQUESTS,
	SF_KEY_MAX_CONNS,
	SF_KEY_MAX_TIME_WAIT,
	SF_KEY_SNDBUF,
	SF_KEY_TCP_RETRIES2,
	SF_KEY_COOKIE_SECRET,
	SF_KEY_ICMP_ERRORS,
	SF_KEY_ANNOUNCE,
	SF_KEY_ICMP_RATELIMIT,
	SF_KEY_ICMP_MSGS_PER_SEC,
	SF_KEY_ICMP_MSGS_BURST,
	SF_KEY_GREETING,
	SF_KEY_ROUTE,
	SF_KEY_LOCAL_PORT_RANGE,
	SF_KEY_TW_REUSE,
	SF_KEY_SYN_RETRIES,
	SF_KEY_CONNECT,
	SF_KEY_CONNECT_CONNS,
	SF_KEY_CONNECT_PARALLEL,
	SF_KEY_CONNECT_SEND,
	SF_KEY_BACKEND,
	SF_KEY_BACKEND_SCHED,
	SF_KEY_BACKEND_RISE,
	SF_KEY_BACKEND_FALL,
	SF_KEY_BACKEND_CHECK_MS,
	SF_KEY_BACKEND_CHECK_TIMEOUT_MS,
	SF_KEY_BACKEND_RETRIES,
	SF_KEY_PROXY_PROTOCOL,
	SF_KEY_PROXY_IDLE_MS,
	SF_KEY_PROXY_FIN_IDLE_MS,
	SF_KEY_MAX
};

static const char *const sf_key_names[SF_KEY_MAX] = {
	[SF_KEY_STATS_INTERVAL] = "stats_interval",
	[SF_KEY_STATS_FILE] = "stats_file",
	[SF_KEY_ADDR] = "addr",
	[SF_KEY_LISTEN] = "listen",
	[SF_KEY_APP] = "app",
	[SF_KEY_SYNCOOKIES] = "syncookies",
	[SF_KEY_BACKLOG] = "backlog",
	[SF_KEY_SYN_BACKLOG] = "syn_backlog",
	[SF_KEY_SYNACK_RETRIES] = "synack_retries",
	[SF_KEY_DEFER_ACCEPT] = "defer_accept",
	[SF_KEY_ABORT_ON_OVERFLOW] = "abort_on_overflow",
	[SF_KEY_STEERING] = "steering",
	[SF_KEY_APP_LCORES] = "app_lcores",
	[SF_KEY_TX_DRAIN_US] = "tx_drain_us",
	[SF_KEY_RX_QUEUES] = "rx_queues",
	[SF_KEY_MSS] = "mss",
	[SF_KEY_WINDOW] = "window",
	[SF_KEY_WSCALE] = "wscale",
	[SF_KEY_TIMESTAMPS] = "timestamps",
	[SF_KEY_SACK] = "sack",
	[SF_KEY_ECN] = "ecn",
	[SF_KEY_SYNACK_TIMEOUT_MS] = "synack_timeout_ms",
	[SF_KEY_KEEPALIVE_MS] = "keepalive_ms",
	[SF_KEY_KEEPALIVE_INTVL_MS] = "keepalive_intvl_ms",
	[SF_KEY_KEEPALIVE_PROBES] = "keepalive_probes",
	[SF_KEY_IDLE_TIMEOUT_MS] = "idle_timeout_ms",
	[SF_KEY_SOMAXCONN] = "somaxconn",
	[SF_KEY_NO_LISTENER] = "no_listener",
	[SF_KEY_TIME_WAIT_MS] = "time_wait_ms",
	[SF_KEY_MAX_REQUESTS] = "max_requests",
	[SF_KEY_MAX_CONNS] = "max_conns",
	[SF_KEY_MAX_TIME_WAIT] = "max_time_wait",
	[SF_KEY_SNDBUF] = "sndbuf",
	[SF_KEY_TCP_RETRIES2] = "tcp_retries2",
	[SF_KEY_COOKIE_SECRET] = "cookie_secret",
	[SF_KEY_ICMP_ERRORS] = "icmp_errors",
	[SF_KEY_ANNOUNCE] = "announce",
	[SF_KEY_ICMP_RATELIMIT] = "icmp_ratelimit",
	[SF_KEY_ICMP_MSGS_PER_SEC] = "icmp_msgs_per_sec",
	[SF_KEY_ICMP_MSGS_BURST] = "icmp_msgs_burst",
	[SF_KEY_GREETING] = "greeting",
	[SF_KEY_ROUTE] = "route",
	[SF_KEY_LOCAL_PORT_RANGE] = "local_port_range",
	[SF_KEY_TW_REUSE] = "tw_reuse",
	[SF_KEY_SYN_RETRIES] = "syn_retries",
	[SF_KEY_CONNECT] = "connect",
	[SF_KEY_CONNECT_CONNS] = "connect_conns",
	[SF_KEY_CONNECT_PARALLEL] = "connect_parallel",
	[SF_KEY_CONNECT_SEND] = "connect_send",
	[SF_KEY_BACKEND] = "backend",
	[SF_KEY_BACKEND_SCHED] = "backend_sched",
	[SF_KEY_BACKEND_RISE] = "backend_rise",
	[SF_KEY_BACKEND_FALL] = "backend_fall",
	[SF_KEY_BACKEND_CHECK_MS] = "backend_check_ms",
	[SF_KEY_BACKEND_CHECK_TIMEOUT_MS] = "backend_check_timeout_ms",
	[SF_KEY_BACKEND_RETRIES] = "backend_retries",
	[SF_KEY_PROXY_PROTOCOL] = "proxy_protocol",
	[SF_KEY_PROXY_IDLE_MS] = "proxy_idle_ms",
	[SF_KEY_PROXY_FIN_IDLE_MS] = "proxy_fin_idle_ms",
};

/*
 * TEXT (with the escapes \r, \n, \t and \\) or @FILE (its bytes as they
 * are), at most cap bytes: --greeting and --connect-send.
 */
static int
sf_parse_bytes(const char *where, const char *what, const char *val,
		uint8_t *buf, unsigned int cap, unsigned int *len)
{
	size_t n = 0;
	FILE *f;

	if (val[0] == '@') {
		f = fopen(val + 1, "rb");
		if (f == NULL)
			return sf_conf_error(where,
				"%s file \"%s\": %s", what, val + 1,
				strerror(errno));
		n = fread(buf, 1, cap, f);
		if (n == cap && fgetc(f) != EOF) {
			fclose(f);
			return sf_conf_error(where,
				"%s file \"%s\" is longer than %u bytes",
				what, val + 1, cap);
		}
		fclose(f);
		*len = (unsigned int)n;
		return 0;
	}
	for (; *val != '\0'; val++) {
		char ch = *val;

		if (n == cap)
			return sf_conf_error(where,
				"%s longer than %u bytes", what, cap);
		if (ch == '\\') {
			switch (val[1]) {
			case 'r': ch = '\r'; break;
			case 'n': ch = '\n'; break;
			case 't': ch = '\t'; break;
			case '\\': ch = '\\'; break;
			default:
				return sf_conf_error(where,
					"%s: unknown escape \"\\%c\" (expected \\r, \\n, \\t or \\\\)",
					what, val[1] != '\0' ? val[1] : ' ');
			}
			val++;
		}
		buf[n++] = (uint8_t)ch;
	}
	*len = (unsigned int)n;
	return 0;
}

/* LO-HI, as ip_local_port_range (which writes "LO HI"; both are taken). */
static int
sf_parse_port_range(const char *where, const char *val, struct sf_conf *conf)
{
	const char *h;
	unsigned long lo, hi;
	char *end;

	errno = 0;
	lo = strtoul(val, &end, 10);
	if (end == val || (*end != '-' && *end != ' ') || errno != 0)
		goto bad;
	h = end + 1;
	hi = strtoul(h, &end, 10);
	if (end == h || *end != '\0' || errno != 0 || lo == 0 || lo > hi ||
	    hi > 65535)
		goto bad;
	conf->local_port_lo = (unsigned int)lo;
	conf->local_port_hi = (unsigned int)hi;
	return 0;
bad:
	return sf_conf_error(where,
		"invalid port range '%s': expected LO-HI with 1 <= LO <= HI <= 65535 (default 32768-60999)",
		val);
}

/*
 * ADDR:PORT[@WEIGHT] (IPv6: [ADDR]:PORT[@WEIGHT]), comma-separated, each
 * a backend of pool 0; a repeated --backend adds to the list.
 */
static int
sf_parse_backends(const char *where, const char *val, struct sf_conf *conf)
{
	char buf[128], *tok, *at, *end;
	struct sf_backend_conf *bc;
	unsigned long w;

	for (const char *p = val; *p != '\0';) {
		size_t n = strcspn(p, ",");

		if (n == 0 || n >= sizeof(buf))
			return sf_conf_error(where,
				"invalid backend list '%s': expected ADDR:PORT[@WEIGHT],...",
				val);
		memcpy(buf, p, n);
		buf[n] = '\0';
		p += n + (p[n] == ',');
		tok = buf;
		if (conf->pool0.nb_backends == SF_MAX_POOL_BACKENDS)
			return sf_conf_error(where,
				"too many backends at '%s': at most %d", tok,
				SF_MAX_POOL_BACKENDS);
		bc = &conf->pool0.backends[conf->pool0.nb_backends];
		bc->bc_weight = 1;
		at = strrchr(tok, '@');
		if (at != NULL) {
			w = strtoul(at + 1, &end, 10);
			if (at[1] < '0' || at[1] > '9' || *end != '\0' ||
			    w == 0 || w > 256)
				return sf_conf_error(where,
					"invalid weight in backend '%s': expected 1..256 after '@'",
					tok);
			*at = '\0';
			bc->bc_weight = (uint16_t)w;
		}
		if (sf_addr_port_parse(tok, &bc->bc_addr, &bc->bc_port) != 0)
			return sf_conf_error(where,
				"invalid backend '%s': expected ADDR:PORT[@WEIGHT], [V6ADDR]:PORT for IPv6",
				tok);
		conf->pool0.nb_backends++;
	}
	return 0;
}

static const char *const sf_sched_names[] = { "rr", "hash" };

/* ADDR:PORT or [V6ADDR]:PORT: the built-in client's server. */
static int
sf_parse_connect(const char *where, const char *val, struct sf_conf *conf)
{
	if (sf_addr_port_parse(val, &conf->connect_addr,
			&conf->connect_port) != 0)
		return sf_conf_error(where,
			"invalid server '%s': expected ADDR:PORT, or [V6ADDR]:PORT for IPv6",
			val);
	conf->connect_set = true;
	return 0;
}

/* Keys a [listener NAME] section may hold besides "listen". */
static bool
sf_key_is_listener(enum sf_key k)
{
	switch (k) {
	case SF_KEY_APP:
	case SF_KEY_SYNCOOKIES:
	case SF_KEY_BACKLOG:
	case SF_KEY_SYN_BACKLOG:
	case SF_KEY_SYNACK_RETRIES:
	case SF_KEY_DEFER_ACCEPT:
	case SF_KEY_ABORT_ON_OVERFLOW:
	case SF_KEY_MSS:
	case SF_KEY_WINDOW:
	case SF_KEY_WSCALE:
	case SF_KEY_TIMESTAMPS:
	case SF_KEY_SACK:
	case SF_KEY_ECN:
	case SF_KEY_SYNACK_TIMEOUT_MS:
	case SF_KEY_KEEPALIVE_MS:
	case SF_KEY_KEEPALIVE_INTVL_MS:
	case SF_KEY_KEEPALIVE_PROBES:
	case SF_KEY_IDLE_TIMEOUT_MS:
	case SF_KEY_PROXY_PROTOCOL:
	case SF_KEY_BACKEND:
	case SF_KEY_BACKEND_SCHED:
	case SF_KEY_BACKEND_RISE:
	case SF_KEY_BACKEND_FALL:
	case SF_KEY_BACKEND_CHECK_MS:
	case SF_KEY_BACKEND_CHECK_TIMEOUT_MS:
		return true;
	default:
		return false;
	}
}

static const char *const sf_no_listener_names[] = { "rst", "drop" };

static int
sf_conf_set(struct sf_conf *conf, enum sf_key key, const char *val,
		const char *where)
{
	unsigned int v;
	int ret;

	switch (key) {
	case SF_KEY_STATS_INTERVAL:
		return sf_parse_uint(where, val, 0, 86400, "(seconds)",
				&conf->stats_interval);
	case SF_KEY_STATS_FILE:
		if (strlen(val) >= sizeof(conf->stats_file) || val[0] == '\0')
			return sf_conf_error(where,
				"invalid file name '%s'", val);
		snprintf(conf->stats_file, sizeof(conf->stats_file), "%s", val);
		return 0;
	case SF_KEY_ADDR:
		return sf_parse_addr(where, val, &conf->addrs[0]);
	case SF_KEY_LISTEN:
		return sf_parse_listen(where, val, conf);
	case SF_KEY_ROUTE:
		return sf_parse_route(where, val, conf);
	case SF_KEY_APP:
		ret = sf_parse_name(where, val, sf_builtin_names,
				RTE_DIM(sf_builtin_names), &v);
		if (ret == 0)
			conf->app = v;
		return ret;
	case SF_KEY_SYNCOOKIES:
		return sf_parse_uint(where, val, 0, 2, "", &conf->syncookies);
	case SF_KEY_BACKLOG:
		return sf_parse_uint(where, val, 0, 65535, "(connections)",
				&conf->backlog);
	case SF_KEY_SYN_BACKLOG:
		return sf_parse_uint(where, val, 1, 1u << 24, "(requests)",
				&conf->syn_backlog);
	case SF_KEY_SYNACK_RETRIES:
		return sf_parse_uint(where, val, 0, 255, "",
				&conf->synack_retries);
	case SF_KEY_DEFER_ACCEPT:
		return sf_parse_uint(where, val, 0, 3600, "(seconds)",
				&conf->defer_accept);
	case SF_KEY_SYNACK_TIMEOUT_MS:
		return sf_parse_uint(where, val, 1, 120000,
				"(milliseconds, the first retransmission timeout)",
				&conf->synack_timeout_ms);
	case SF_KEY_KEEPALIVE_MS:
		ret = sf_parse_uint(where, val, 0, SF_KEEPALIVE_MAX_MS,
				"(milliseconds of silence before probes; 0: off)",
				&conf->keepalive_ms);
		if (ret == 0 && conf->keepalive_ms != 0 &&
		    conf->keepalive_ms < 1000)
			return sf_conf_error(where,
				"invalid value '%u': expected 0 (off) or an integer 1000..%u (milliseconds)",
				conf->keepalive_ms, SF_KEEPALIVE_MAX_MS);
		return ret;
	case SF_KEY_KEEPALIVE_INTVL_MS:
		return sf_parse_uint(where, val, 1000, SF_KEEPALIVE_MAX_MS,
				"(milliseconds between keepalive probes)",
				&conf->keepalive_intvl_ms);
	case SF_KEY_KEEPALIVE_PROBES:
		return sf_parse_uint(where, val, 1, 127,
				"(unanswered probes before a reset)",
				&conf->keepalive_probes);
	case SF_KEY_IDLE_TIMEOUT_MS:
		ret = sf_parse_uint(where, val, 0, SF_KEEPALIVE_MAX_MS,
				"(milliseconds without a segment; 0: off)",
				&conf->idle_timeout_ms);
		if (ret == 0 && conf->idle_timeout_ms != 0 &&
		    conf->idle_timeout_ms < 1000)
			return sf_conf_error(where,
				"invalid value '%u': expected 0 (off) or an integer 1000..%u (milliseconds)",
				conf->idle_timeout_ms, SF_KEEPALIVE_MAX_MS);
		return ret;
	case SF_KEY_ABORT_ON_OVERFLOW:
		return sf_parse_bool(where, val, &conf->abort_on_overflow);
	case SF_KEY_STEERING:
		ret = sf_parse_name(where, val, sf_steering_names,
				RTE_DIM(sf_steering_names), &v);
		if (ret == 0)
			conf->steering = v;
		return ret;
	case SF_KEY_APP_LCORES:
		return sf_parse_lcore_list(where, val, conf->app_lcores,
				sizeof(conf->app_lcores));
	case SF_KEY_TX_DRAIN_US:
		ret = sf_parse_uint(where, val, 1, 100000, "(microseconds)",
				&v);
		if (ret == 0)
			conf->tx_drain_us = v;
		return ret;
	case SF_KEY_RX_QUEUES:
		return sf_parse_uint(where, val, 0, RTE_MAX_QUEUES_PER_PORT,
				"(queue pairs per port; 0: one per worker)",
				&conf->rx_queues);
	case SF_KEY_MSS:
		/* Linux's TCP_MIN_MSS 88; 65495 fits the largest IPv4 packet. */
		ret = sf_parse_uint(where, val, 0, 65495,
				"(0: from the port MTU, else at least 88)", &v);
		if (ret == 0 && v != 0 && v < 88)
			return sf_conf_error(where,
				"invalid value '%s': an MSS below 88 (Linux's TCP_MIN_MSS) is refused; 0 takes it from the port MTU",
				val);
		if (ret == 0)
			conf->mss = v;
		return ret;
	case SF_KEY_WINDOW:
		return sf_parse_uint(where, val, 1, 65535,
				"(bytes, unscaled as in the SYN-ACK)",
				&conf->window);
	case SF_KEY_WSCALE:
		return sf_parse_uint(where, val, 0, 14, "(RFC 7323 shift)",
				&conf->wscale);
	case SF_KEY_TIMESTAMPS:
		return sf_parse_bool(where, val, &conf->timestamps);
	case SF_KEY_SACK:
		return sf_parse_bool(where, val, &conf->sack);
	case SF_KEY_ECN:
		return sf_parse_bool(where, val, &conf->ecn);
	case SF_KEY_SOMAXCONN:
		return sf_parse_uint(where, val, 0, 65535, "(connections)",
				&conf->somaxconn);
	case SF_KEY_NO_LISTENER:
		ret = sf_parse_name(where, val, sf_no_listener_names,
				RTE_DIM(sf_no_listener_names), &v);
		if (ret == 0)
			conf->no_listener_drop = v == 1;
		return ret;
	case SF_KEY_TIME_WAIT_MS:
		return sf_parse_uint(where, val, 10, 600000,
				"(milliseconds)", &conf->time_wait_ms);
	case SF_KEY_MAX_REQUESTS:
		return sf_parse_uint(where, val, 8, 1u << 24,
				"(requests per worker)", &conf->max_requests);
	case SF_KEY_MAX_CONNS:
		return sf_parse_uint(where, val, 8, 1u << 24,
				"(connections per worker)", &conf->max_conns);
	case SF_KEY_MAX_TIME_WAIT:
		return sf_parse_uint(where, val, 0, 1u << 24,
				"(TIME-WAIT connections per worker; 0: half of max_conns)",
				&conf->max_time_wait);
	case SF_KEY_SNDBUF:
		return sf_parse_uint(where, val, 4096, 1u << 30,
				"(bytes a connection may have queued to send)",
				&conf->sndbuf);
	case SF_KEY_TCP_RETRIES2:
		return sf_parse_uint(where, val, 1, 255,
				"(retransmissions before a connection is given up)",
				&conf->tcp_retries2);
	case SF_KEY_COOKIE_SECRET:
		/* The value is a secret: the message does not repeat it. */
		if (sf_cookie_secret_from_hex(val, conf->cookie_secret) != 0)
			return sf_conf_error(where,
				"invalid cookie secret (%zu characters): expected 32 hex digits, the 128-bit key every node behind the same address shares",
				strlen(val));
		conf->cookie_secret_set = true;
		return 0;
	case SF_KEY_ICMP_ERRORS:
		return sf_parse_bool(where, val, &conf->icmp_errors);
	case SF_KEY_ANNOUNCE:
		return sf_parse_bool(where, val, &conf->announce);
	case SF_KEY_ICMP_RATELIMIT:
		/* Linux's net.ipv4.icmp_ratelimit: 0 turns the limit off. */
		return sf_parse_uint(where, val, 0, 3600000,
				"(milliseconds between errors to one peer; 0: no limit)",
				&conf->icmp_ratelimit);
	case SF_KEY_ICMP_MSGS_PER_SEC:
		return sf_parse_uint(where, val, 0, 10000000,
				"(errors per second per worker; 0: no limit)",
				&conf->icmp_msgs_per_sec);
	case SF_KEY_ICMP_MSGS_BURST:
		return sf_parse_uint(where, val, 1, 10000000,
				"(errors at once per worker)",
				&conf->icmp_msgs_burst);
	case SF_KEY_GREETING:
		return sf_parse_bytes(where, "greeting", val, conf->greeting,
				sizeof(conf->greeting), &conf->greeting_len);
	case SF_KEY_LOCAL_PORT_RANGE:
		return sf_parse_port_range(where, val, conf);
	case SF_KEY_TW_REUSE:
		return sf_parse_bool(where, val, &conf->tw_reuse);
	case SF_KEY_SYN_RETRIES:
		return sf_parse_uint(where, val, 1, 20,
				"(SYN retransmissions of an active open)",
				&conf->syn_retries);
	case SF_KEY_CONNECT:
		return sf_parse_connect(where, val, conf);
	case SF_KEY_CONNECT_CONNS:
		return sf_parse_uint(where, val, 0, 100000000,
				"(connections the client opens from the start; 0: none until /synfront/client,run)",
				&conf->connect_conns);
	case SF_KEY_CONNECT_PARALLEL:
		return sf_parse_uint(where, val, 1, 1u << 20,
				"(connections the client has open at once)",
				&conf->connect_parallel);
	case SF_KEY_BACKEND:
		return sf_parse_backends(where, val, conf);
	case SF_KEY_BACKEND_SCHED:
		return sf_parse_name(where, val, sf_sched_names,
				RTE_DIM(sf_sched_names), &conf->pool0.sched);
	case SF_KEY_BACKEND_RISE:
		return sf_parse_uint(where, val, 1, 100,
				"(checks in a row that bring a backend up)",
				&conf->pool0.rise);
	case SF_KEY_BACKEND_FALL:
		return sf_parse_uint(where, val, 1, 100,
				"(checks in a row that take a backend down)",
				&conf->pool0.fall);
	case SF_KEY_BACKEND_CHECK_MS:
		return sf_parse_uint(where, val, 0, 3600000,
				"(milliseconds between checks of a backend; 0: none)",
				&conf->pool0.check_ms);
	case SF_KEY_BACKEND_CHECK_TIMEOUT_MS:
		return sf_parse_uint(where, val, 3, 3600000,
				"(milliseconds a check may take)",
				&conf->pool0.check_timeout_ms);
	case SF_KEY_BACKEND_RETRIES:
		return sf_parse_uint(where, val, 0, 16,
				"(other backends tried when an open fails)",
				&conf->backend_retries);
	case SF_KEY_PROXY_PROTOCOL:
		return sf_parse_uint(where, val, 0, 2,
				"(PROXY protocol version sent to backends; 0: none)",
				&conf->proxy_protocol);
	case SF_KEY_PROXY_IDLE_MS:
		return sf_parse_uint(where, val, 1000, 86400000,
				"(milliseconds a spliced pair may be silent)",
				&conf->proxy_idle_ms);
	case SF_KEY_PROXY_FIN_IDLE_MS:
		return sf_parse_uint(where, val, 1000, 86400000,
				"(milliseconds a half-closed pair may be silent)",
				&conf->proxy_fin_idle_ms);
	case SF_KEY_CONNECT_SEND:
		return sf_parse_bytes(where, "connect-send", val,
				conf->connect_send, sizeof(conf->connect_send),
				&conf->connect_send_len);
	default:
		return sf_conf_error(where, "internal: unknown key");
	}
}

static int
sf_conf_key(const char *name)
{
	unsigned int k;

	for (k = 0; k < SF_KEY_MAX; k++)
		if (strcmp(name, sf_key_names[k]) == 0)
			return (int)k;
	return -1;
}

/*
 * A section of one repeatable key: each line goes to parse (with arg),
 * any other key is refused naming what the section takes.
 */
static int
sf_conf_load_lines(struct rte_cfgfile *cfg, const char *file,
		const char *sec, const char *key, const char *takes,
		int (*parse)(const char *where, const char *val, void *arg),
		void *arg)
{
	struct rte_cfgfile_entry *ent;
	char where[PATH_MAX + 128];
	int n, i, ret = 0;

	n = rte_cfgfile_section_num_entries(cfg, sec);
	ent = calloc(n > 0 ? n : 1, sizeof(*ent));
	if (ent == NULL)
		return sf_conf_error(file, "out of memory");
	n = rte_cfgfile_section_entries(cfg, sec, ent, n);
	for (i = 0; i < n && ret == 0; i++) {
		snprintf(where, sizeof(where), "%s: [%s] %s", file, sec,
			ent[i].name);
		if (strcmp(ent[i].name, key) != 0)
			ret = sf_conf_error(where,
				"unknown key '%s': a [%s] section takes %s",
				ent[i].name, sec, takes);
		else
			ret = parse(where, ent[i].value, arg);
	}
	free(ent);
	return ret;
}

static int
sf_conf_addr_line(const char *where, const char *val, void *arg)
{
	return sf_parse_addr(where, val, arg);
}

/* [portN] sections hold the addresses of port N. */
static int
sf_conf_load_port(struct sf_conf *conf, struct rte_cfgfile *cfg,
		const char *file, const char *sec, unsigned long port)
{
	return sf_conf_load_lines(cfg, file, sec, "addr", "'addr' only",
		sf_conf_addr_line, &conf->addrs[port]);
}

static int
sf_conf_route_line(const char *where, const char *val, void *arg)
{
	return sf_parse_route(where, val, arg);
}

/* [route]: "route = PREFIX via GATEWAY [dev PORT]" lines, repeatable. */
static int
sf_conf_load_routes(struct sf_conf *conf, struct rte_cfgfile *cfg,
		const char *file, const char *sec)
{
	return sf_conf_load_lines(cfg, file, sec, "route",
		"'route = PREFIX via GATEWAY [dev PORT]' lines only",
		sf_conf_route_line, conf);
}

/* [http]: the responder's settings (docs/http.md). */
static int
sf_conf_load_http(struct sf_conf *conf, struct rte_cfgfile *cfg,
		const char *file, const char *sec)
{
	struct sf_http_conf *hc = &conf->http;
	struct rte_cfgfile_entry *ent;
	char where[PATH_MAX + 128];
	int n, i, ret = 0;

	n = rte_cfgfile_section_num_entries(cfg, sec);
	ent = calloc(n > 0 ? n : 1, sizeof(*ent));
	if (ent == NULL)
		return sf_conf_error(file, "out of memory");
	n = rte_cfgfile_section_entries(cfg, sec, ent, n);
	for (i = 0; i < n && ret == 0; i++) {
		const char *k = ent[i].name, *v = ent[i].value;

		snprintf(where, sizeof(where), "%s: [%s] %s", file, sec, k);
		if (strcmp(k, "server") == 0) {
			if (strlen(v) >= sizeof(hc->server) ||
			    strpbrk(v, "\r\n") != NULL)
				ret = sf_conf_error(where,
					"invalid value '%s': expected at most %zu characters on one line",
					v, sizeof(hc->server) - 1);
			else
				memcpy(hc->server, v, strlen(v) + 1);
		} else if (strcmp(k, "max_header_bytes") == 0) {
			ret = sf_parse_uint(where, v, 256, 1u << 20, "(bytes)",
				&hc->max_header_bytes);
		} else if (strcmp(k, "max_body_bytes") == 0) {
			ret = sf_parse_uint(where, v, 0, 1u << 30, "(bytes)",
				&hc->max_body_bytes);
		} else if (strcmp(k, "keepalive_timeout_ms") == 0) {
			ret = sf_parse_uint(where, v, 0, 86400000, "(ms; 0: never)",
				&hc->keepalive_timeout_ms);
		} else if (strcmp(k, "keepalive_requests") == 0) {
			ret = sf_parse_uint(where, v, 0, 1000000000,
				"(0: no limit)", &hc->keepalive_requests);
		} else {
			ret = sf_conf_error(where,
				"unknown key '%s': an [http] section takes server, max_header_bytes, max_body_bytes, keepalive_timeout_ms, keepalive_requests",
				k);
		}
	}
	free(ent);
	return ret;
}

/* A "Name: value" header line of a route, appended with its CRLF. */
static int
sf_conf_http_header(const char *where, const char *v, char *buf,
		size_t cap)
{
	static const char *const ours[] = { "content-length", "date",
		"server", "connection", "transfer-encoding", "content-type" };
	const char *colon = strchr(v, ':');
	size_t nl, i;

	if (colon == NULL || colon == v)
		return sf_conf_error(where,
			"invalid header '%s': expected 'Name: value'", v);
	nl = (size_t)(colon - v);
	for (i = 0; i < nl; i++)
		if (!(isalnum((unsigned char)v[i]) ||
		    strchr("!#$%&'*+-.^_`|~", v[i]) != NULL))
			return sf_conf_error(where,
				"invalid header '%s': the name must be a token (letters, digits, !#$%%&'*+-.^_`|~)",
				v);
	for (i = 0; i < RTE_DIM(ours); i++)
		if (strlen(ours[i]) == nl && strncasecmp(v, ours[i], nl) == 0)
			return sf_conf_error(where,
				"header '%.*s' is written by the responder%s",
				(int)nl, v, i == 5 ?
				": give content_type instead" : "");
	if (strlen(buf) + strlen(v) + 3 > cap)
		return sf_conf_error(where,
			"the headers of a route take at most %zu bytes", cap - 1);
	strcat(buf, v);
	strcat(buf, "\r\n");
	return 0;
}

/*
 * [route /PATH]: what GET and HEAD of PATH answer (app http); not the
 * [route] section of static IP routes, whose name has no path.
 */
static int
sf_conf_load_http_route(struct sf_conf *conf, struct rte_cfgfile *cfg,
		const char *file, const char *sec)
{
	struct sf_http_conf *hc = &conf->http;
	struct sf_http_route_conf *r;
	struct rte_cfgfile_entry *ent;
	char where[PATH_MAX + 128];
	const char *path = sec + 6;
	uint8_t *body = NULL;
	unsigned int j;
	int n, i, ret = 0;

	snprintf(where, sizeof(where), "%s: [%s]", file, sec);
	if (path[0] != '/' || strpbrk(path, " \t?#") != NULL)
		return sf_conf_error(where,
			"invalid route path '%s': expected /PATH (no spaces, no query)",
			path);
	for (j = 0; j < hc->nb_routes; j++)
		if (strcmp(hc->routes[j].hr_path, path) == 0)
			return sf_conf_error(where,
				"a second section for the route '%s'", path);
	if (hc->nb_routes == SF_HTTP_MAX_ROUTES)
		return sf_conf_error(where, "more than %d routes",
			SF_HTTP_MAX_ROUTES);
	r = &hc->routes[hc->nb_routes];
	memset(r, 0, sizeof(*r));
	snprintf(r->hr_path, sizeof(r->hr_path), "%s", path);
	r->hr_status = 200;
	n = rte_cfgfile_section_num_entries(cfg, sec);
	ent = calloc(n > 0 ? n : 1, sizeof(*ent));
	if (ent == NULL)
		return sf_conf_error(file, "out of memory");
	n = rte_cfgfile_section_entries(cfg, sec, ent, n);
	for (i = 0; i < n && ret == 0; i++) {
		const char *k = ent[i].name, *v = ent[i].value;

		snprintf(where, sizeof(where), "%s: [%s] %s", file, sec, k);
		if (strcmp(k, "status") == 0) {
			ret = sf_parse_uint(where, v, 200, 599, "(HTTP status)",
				&r->hr_status);
		} else if (strcmp(k, "content_type") == 0) {
			if (strlen(v) >= sizeof(r->hr_ctype))
				ret = sf_conf_error(where,
					"content_type longer than %zu characters",
					sizeof(r->hr_ctype) - 1);
			else
				memcpy(r->hr_ctype, v, strlen(v) + 1);
		} else if (strcmp(k, "body") == 0) {
			if (body == NULL)
				body = malloc(SF_HTTP_BODY_MAX);
			if (body == NULL)
				ret = sf_conf_error(where, "out of memory");
			else
				ret = sf_parse_bytes(where, "body", v, body,
					SF_HTTP_BODY_MAX, &r->hr_body_len);
		} else if (strcmp(k, "header") == 0) {
			ret = sf_conf_http_header(where, v, r->hr_headers,
				sizeof(r->hr_headers));
		} else {
			ret = sf_conf_error(where,
				"unknown key '%s': a [route /PATH] section takes status, content_type, body (TEXT or @FILE) and header lines",
				k);
		}
	}
	free(ent);
	/* The body in a buffer of its own size. */
	if (ret == 0 && body != NULL && r->hr_body_len != 0) {
		r->hr_body = malloc(r->hr_body_len);
		if (r->hr_body == NULL)
			ret = sf_conf_error(where, "out of memory");
		else
			memcpy(r->hr_body, body, r->hr_body_len);
	}
	free(body);
	if (ret == 0)
		hc->nb_routes++;
	return ret;
}

/*
 * [listener NAME]: one listener with its own settings. "listen" names its
 * address and port; the other keys override the [synfront] defaults (and
 * the command line's) for this listener only. Values are checked now, on
 * a scratch copy, and applied when parsing is over.
 */
static int
sf_conf_load_listener(struct sf_conf *conf, struct rte_cfgfile *cfg,
		const char *file, const char *sec)
{
	static struct sf_conf scratch;
	struct rte_cfgfile_entry *ent;
	struct sf_listen_conf *ls = NULL;
	char where[PATH_MAX + 128];
	const char *name = sec + strlen("listener");
	int n, i, k, ret = 0;
	unsigned int before = conf->nb_listen;

	while (*name == ' ')
		name++;
	n = rte_cfgfile_section_num_entries(cfg, sec);
	ent = calloc(n > 0 ? n : 1, sizeof(*ent));
	if (ent == NULL)
		return sf_conf_error(file, "out of memory");
	n = rte_cfgfile_section_entries(cfg, sec, ent, n);
	/* The address first, wherever the key is in the section. */
	for (i = 0; i < n && ret == 0; i++) {
		if (strcmp(ent[i].name, "listen") != 0)
			continue;
		snprintf(where, sizeof(where), "%s: [%s] listen", file, sec);
		if (conf->nb_listen != before)
			ret = sf_conf_error(where,
				"a [listener] section holds one 'listen'; make another section for another listener");
		else
			ret = sf_parse_listen(where, ent[i].value, conf);
	}
	if (ret == 0 && conf->nb_listen == before) {
		snprintf(where, sizeof(where), "%s: [%s]", file, sec);
		ret = sf_conf_error(where,
			"no 'listen = [ADDR:]PORT' in this listener section");
	}
	if (ret == 0) {
		ls = &conf->listen[before];
		snprintf(ls->ls_name, sizeof(ls->ls_name), "%s", name);
		scratch = *conf;
		/* Its backend lines make a pool of its own. */
		scratch.pool0.nb_backends = 0;
	}
	for (i = 0; i < n && ret == 0; i++) {
		if (strcmp(ent[i].name, "listen") == 0)
			continue;
		snprintf(where, sizeof(where), "%s: [%s] %s", file, sec,
			ent[i].name);
		k = sf_conf_key(ent[i].name);
		if (k < 0 || !sf_key_is_listener(k)) {
			ret = sf_conf_error(where,
				"'%s' is not a listener setting: a [listener] section takes listen, app, syncookies, backlog, syn_backlog, synack_retries, defer_accept, abort_on_overflow, mss, window, wscale, timestamps, sack, ecn, synack_timeout_ms, keepalive_ms, keepalive_intvl_ms, keepalive_probes, idle_timeout_ms, proxy_protocol, backend, backend_sched, backend_rise, backend_fall, backend_check_ms, backend_check_timeout_ms",
				ent[i].name);
			break;
		}
		if (strlen(ent[i].value) >= sizeof(ls->ls_keys[0].lk_val) ||
		    ls->ls_nb_keys == SF_LISTEN_MAX_KEYS) {
			ret = sf_conf_error(where, "value or section too long");
			break;
		}
		ret = sf_conf_set(&scratch, k, ent[i].value, where);
		if (ret != 0)
			break;
		ls->ls_keys[ls->ls_nb_keys].lk_key = k;
		/* Length checked above: a plain copy. */
		memcpy(ls->ls_keys[ls->ls_nb_keys].lk_val, ent[i].value,
			strlen(ent[i].value) + 1);
		ls->ls_nb_keys++;
	}
	free(ent);
	return ret;
}

static void
sf_lsettings_of(const struct sf_conf *c, struct sf_lsettings *s)
{
	s->app = c->app;
	s->syncookies = c->syncookies;
	s->backlog = c->backlog;
	s->syn_backlog = c->syn_backlog;
	s->synack_retries = c->synack_retries;
	s->defer_accept = c->defer_accept;
	s->abort_on_overflow = c->abort_on_overflow;
	s->mss = c->mss;
	s->window = c->window;
	s->wscale = c->wscale;
	s->timestamps = c->timestamps;
	s->sack = c->sack;
	s->ecn = c->ecn;
	s->synack_timeout_ms = c->synack_timeout_ms;
	s->keepalive_ms = c->keepalive_ms;
	s->keepalive_intvl_ms = c->keepalive_intvl_ms;
	s->keepalive_probes = c->keepalive_probes;
	s->idle_timeout_ms = c->idle_timeout_ms;
	s->proxy_protocol = c->proxy_protocol;
}

/* Every listener's settings: the final defaults, then its own keys. */
static int
sf_conf_resolve_listeners(struct sf_conf *conf)
{
	static struct sf_conf scratch;
	char where[PATH_MAX + 128];
	unsigned int i, j;
	int ret;

	for (i = 0; i < conf->nb_listen; i++) {
		struct sf_listen_conf *ls = &conf->listen[i];

		if (ls->ls_nb_keys == 0) {
			sf_lsettings_of(conf, &ls->ls_s);
			continue;
		}
		scratch = *conf;
		scratch.pool0.nb_backends = 0;
		for (j = 0; j < ls->ls_nb_keys; j++) {
			/* Checked at load: this cannot fail, but say where. */
			snprintf(where, sizeof(where), "%s: [listener %s] %s",
				conf->config_file, ls->ls_name,
				sf_key_names[ls->ls_keys[j].lk_key]);
			ret = sf_conf_set(&scratch, ls->ls_keys[j].lk_key,
					ls->ls_keys[j].lk_val, where);
			if (ret != 0)
				return ret;
		}
		sf_lsettings_of(&scratch, &ls->ls_s);
		ls->ls_pool = scratch.pool0;
	}
	return 0;
}

static int
sf_conf_load(struct sf_conf *conf, const char *file)
{
	char where[PATH_MAX + 128];
	struct rte_cfgfile_entry *ent = NULL;
	struct rte_cfgfile *cfg;
	char **secs = NULL;
	int nsec, n, i, j, k, ret = 0;

	cfg = rte_cfgfile_load(file, 0);
	if (cfg == NULL)
		return sf_conf_error(file,
			"cannot read the config file (missing, unreadable, or not INI: %s)",
			strerror(errno ? errno : EINVAL));
	nsec = rte_cfgfile_num_sections(cfg, NULL, 0);
	secs = calloc(nsec > 0 ? nsec : 1, sizeof(*secs));
	for (i = 0; secs != NULL && i < nsec; i++)
		secs[i] = malloc(CFG_NAME_LEN);
	if (secs == NULL || (nsec > 0 && secs[nsec - 1] == NULL)) {
		ret = sf_conf_error(file, "out of memory");
		goto out;
	}
	rte_cfgfile_sections(cfg, secs, nsec);
	for (i = 0; i < nsec && ret == 0; i++) {
		unsigned long port;
		char *end;

		if (strncmp(secs[i], "port", 4) == 0 && secs[i][4] != '\0') {
			port = strtoul(secs[i] + 4, &end, 10);
			if (*end != '\0' || port >= RTE_MAX_ETHPORTS) {
				snprintf(where, sizeof(where), "%s: [%s]", file,
					secs[i]);
				ret = sf_conf_error(where,
					"invalid section: expected [port0]..[port%d]",
					RTE_MAX_ETHPORTS - 1);
				break;
			}
			ret = sf_conf_load_port(conf, cfg, file, secs[i], port);
			continue;
		}
		if (strcmp(secs[i], "route") == 0) {
			ret = sf_conf_load_routes(conf, cfg, file, secs[i]);
			continue;
		}
		if (strncmp(secs[i], "route ", 6) == 0) {
			ret = sf_conf_load_http_route(conf, cfg, file, secs[i]);
			continue;
		}
		if (strcmp(secs[i], "http") == 0) {
			ret = sf_conf_load_http(conf, cfg, file, secs[i]);
			continue;
		}
		if (strncmp(secs[i], "listener", 8) == 0 &&
		    (secs[i][8] == '\0' || secs[i][8] == ' ')) {
			ret = sf_conf_load_listener(conf, cfg, file, secs[i]);
			continue;
		}
		if (strcmp(secs[i], "synfront") != 0) {
			snprintf(where, sizeof(where), "%s: [%s]", file, secs[i]);
			ret = sf_conf_error(where,
				"unknown section: expected [synfront], [portN], [route], [listener NAME], [http] or [route /PATH]");
			break;
		}
		n = rte_cfgfile_section_num_entries(cfg, secs[i]);
		ent = calloc(n > 0 ? n : 1, sizeof(*ent));
		if (ent == NULL) {
			ret = sf_conf_error(file, "out of memory");
			break;
		}
		n = rte_cfgfile_section_entries(cfg, secs[i], ent, n);
		for (j = 0; j < n && ret == 0; j++) {
			snprintf(where, sizeof(where), "%s: [%s] %s", file,
				secs[i], ent[j].name);
			k = sf_conf_key(ent[j].name);
			if (k < 0)
				ret = sf_conf_error(where, "unknown key '%s'",
					ent[j].name);
			else
				ret = sf_conf_set(conf, k, ent[j].value, where);
		}
		free(ent);
		ent = NULL;
	}
out:
	for (i = 0; secs != NULL && i < nsec; i++)
		free(secs[i]);
	free(secs);
	rte_cfgfile_close(cfg);
	return ret;
}

void
sf_conf_usage(const char *prgname)
{
	printf("Usage: %s [EAL options] -- [options]\n"
	"\n"
	"  -c, --config FILE         INI config; command-line options override it\n"
	"      --addr ADDR/PREFIX    an address of port 0 (repeatable; IPv4 or IPv6);\n"
	"                            replaces the [port0] addresses of the config\n"
	"      --listen [ADDR:]PORT  a TCP listener (repeatable; [V6ADDR]:PORT for IPv6);\n"
	"                            replaces the config's listeners\n"
	"      --route 'PREFIX via GW [dev PORT]'  a static route (repeatable;\n"
	"                            GW on a port address's prefix); replaces the\n"
	"                            config's [route] lines\n"
	"      --app NAME            sink, rst, close, none, discard, echo, proxy or http\n"
	"                            (default sink; proxy: to the --backend pool)\n"
	"      --proxy-protocol 0|1|2  PROXY header to backends (default 0: none)\n"
	"      --greeting TEXT|@FILE  what sink, close, discard and echo send first\n"
	"                            on each connection (TEXT takes \\r \\n \\t \\\\)\n"
	"      --syncookies 0|1|2    never, when the SYN queue is full (default), always\n"
	"      --backlog N           accept queue length (default %u)\n"
	"      --syn-backlog N       SYN queue length per listener (default %u)\n"
	"      --synack-retries N    SYN-ACK retransmissions (default %u)\n"
	"      --defer-accept SECONDS  hold bare third ACKs until data (default 0)\n"
	"      --abort-on-overflow   RST instead of drop when the accept queue is full\n"
	"      --mss N               MSS clamp; 0 = port MTU - 40/60 (default 0)\n"
	"      --window N            window of the SYN-ACK, 1..65535 (default %u)\n"
	"      --wscale N            our window shift, 0..14 (default %u)\n"
	"      --timestamps yes|no   answer timestamps when offered (default yes)\n"
	"      --sack yes|no         answer SACK-permitted when offered (default yes)\n"
	"      --ecn yes|no          answer ECN setup (default yes)\n"
	"      --synack-timeout-ms MS  first retransmission timeout, SYN-ACKs and\n"
	"                            data before an RTT sample (default %u)\n"
	"      --keepalive-ms MS     probe after MS of silence (default 0: off)\n"
	"      --keepalive-intvl-ms MS  between probes (default %u)\n"
	"      --keepalive-probes N  unanswered probes before a reset (default %u)\n"
	"      --idle-timeout-ms MS  reset after MS without a segment (default 0: off)\n"
	"      --somaxconn N         ceiling of every backlog (default %u)\n"
	"      --no-listener rst|drop  segments for a closed port (default rst)\n"
	"      --time-wait-ms MS     TIME-WAIT after our close (default %u)\n"
	"      --max-requests N      half-open requests per worker (default %u)\n"
	"      --max-conns N         connections per worker (default %u)\n"
	"      --max-time-wait N     of them in TIME-WAIT; beyond, none waits\n"
	"                            (default 0: half of --max-conns)\n"
	"      --sndbuf BYTES        send budget of a connection (default %u)\n"
	"      --tcp-retries2 N      retransmissions before giving up (default %u)\n"
	"      --local-port-range LO-HI  local ports of active opens (default\n"
	"                            32768-60999, Linux's ip_local_port_range)\n"
	"      --tw-reuse yes|no     an active open may take a TIME-WAIT 4-tuple\n"
	"                            (timestamps, 1 s idle; default no)\n"
	"      --syn-retries N       SYN retransmissions of an active open, 1..20\n"
	"                            (default %u: 127 s)\n"
	"      --connect ADDR:PORT   built-in client: open connections to ADDR:PORT\n"
	"                            ([V6ADDR]:PORT for IPv6)\n"
	"      --connect-conns N     connections in all (default 1; 0: none until\n"
	"                            /synfront/client,run,N[,P] asks)\n"
	"      --connect-parallel N  open at once, at most (default 1)\n"
	"      --connect-send TEXT|@FILE  each sends this and closes once it came\n"
	"                            back (an echo server; default: close at once)\n"
	"      --backend ADDR:PORT[@W],...  backends of pool 0 (repeatable; weight\n"
	"                            1..256, default 1), health-checked\n"
	"      --backend-sched rr|hash  round robin (default) or client-address hash\n"
	"      --backend-check-ms MS  between checks (default 2000; 0 = none),\n"
	"      --backend-check-timeout-ms MS  each within MS (default 1000),\n"
	"      --backend-rise N, --backend-fall N  checks in a row to come up\n"
	"                            (default 2) and go down (default 3)\n"
	"      --backend-retries N   other backends tried when an open fails (0)\n"
	"      --proxy-idle-ms MS    a silent spliced pair is reset (default 900000),\n"
	"      --proxy-fin-idle-ms MS  once half-closed (default 60000)\n"
	"      --cookie-secret HEX   SYN-cookie secret, 32 hex digits (default: random\n"
	"                            per start); prefer cookie_secret in a 0600 config\n"
	"      --announce yes|no     gratuitous ARP and unsolicited NA for each address\n"
	"                            once its port is up (default yes)\n"
	"      --icmp-errors yes|no  port/protocol unreachable and parameter problems\n"
	"                            about datagrams nothing here takes (default yes)\n"
	"      --icmp-ratelimit MS   at most one such error per MS to a peer, burst 6\n"
	"                            (default %u; 0 = no limit)\n"
	"      --icmp-msgs-per-sec N  and N a second per worker (default %u; 0 = no\n"
	"                            limit), in bursts of --icmp-msgs-burst (default %u)\n"
	"      --steering rss|sw|auto  how flows reach their worker (default auto)\n"
	"      --app-lcores LIST     run on_accept on these lcores (default: inline)\n"
	"      --rx-queues N         queue pairs per port, at most one per worker\n"
	"                            (default 0: one per worker);\n"
	"                            fewer than workers means software steering\n"
	"      --tx-drain-us US      flush tx buffers at least this often (default 20)\n"
	"      --stats-interval S    print a stats line every S seconds (0 = off)\n"
	"      --stats-file FILE     write all counters as JSON on exit\n"
	"  -h, --help                this text\n"
	"\n"
	"The listener options (--app to --idle-timeout-ms) are the defaults of every listener;\n"
	"a [listener NAME] section of the config file overrides them for one.\n"
	"Example: %s -l 0-1 --no-huge -m 1024 --vdev net_tap0,iface=sf0 -- \\\n"
	"         -c config/synfront.ini\n",
	prgname, SF_DEF_BACKLOG, SF_DEF_SYN_BACKLOG, SF_DEF_SYNACK_RETRIES,
	SF_DEF_WINDOW, SF_DEF_WSCALE, SF_DEF_SYNACK_TIMEOUT_MS,
	SF_DEF_KEEPALIVE_INTVL_MS, SF_DEF_KEEPALIVE_PROBES, SF_DEF_BACKLOG,
	SF_DEF_TIME_WAIT_MS,
	SF_DEF_MAX_REQUESTS, SF_DEF_MAX_CONNS, SF_DEF_SNDBUF,
	SF_DEF_TCP_RETRIES2, SF_DEF_SYN_RETRIES, SF_DEF_ICMP_RATELIMIT,
	SF_DEF_ICMP_MSGS_PER_SEC, SF_DEF_ICMP_MSGS_BURST, prgname);
}

enum {
	SF_OPT_FIRST_KEY = 256, /* long-only options: 256 + enum sf_key */
	SF_OPT_CONFIG = 'c',
	SF_OPT_HELP = 'h',
};

#define SF_LONG(name, has_arg, key) { name, has_arg, NULL, SF_OPT_FIRST_KEY + (key) }

static const struct option sf_long_opts[] = {
	{ "config", required_argument, NULL, SF_OPT_CONFIG },
	{ "help", no_argument, NULL, SF_OPT_HELP },
	SF_LONG("addr", required_argument, SF_KEY_ADDR),
	SF_LONG("listen", required_argument, SF_KEY_LISTEN),
	SF_LONG("route", required_argument, SF_KEY_ROUTE),
	SF_LONG("app", required_argument, SF_KEY_APP),
	SF_LONG("syncookies", required_argument, SF_KEY_SYNCOOKIES),
	SF_LONG("backlog", required_argument, SF_KEY_BACKLOG),
	SF_LONG("syn-backlog", required_argument, SF_KEY_SYN_BACKLOG),
	SF_LONG("synack-retries", required_argument, SF_KEY_SYNACK_RETRIES),
	SF_LONG("defer-accept", required_argument, SF_KEY_DEFER_ACCEPT),
	SF_LONG("abort-on-overflow", no_argument, SF_KEY_ABORT_ON_OVERFLOW),
	SF_LONG("steering", required_argument, SF_KEY_STEERING),
	SF_LONG("app-lcores", required_argument, SF_KEY_APP_LCORES),
	SF_LONG("tx-drain-us", required_argument, SF_KEY_TX_DRAIN_US),
	SF_LONG("rx-queues", required_argument, SF_KEY_RX_QUEUES),
	SF_LONG("mss", required_argument, SF_KEY_MSS),
	SF_LONG("window", required_argument, SF_KEY_WINDOW),
	SF_LONG("wscale", required_argument, SF_KEY_WSCALE),
	SF_LONG("timestamps", required_argument, SF_KEY_TIMESTAMPS),
	SF_LONG("sack", required_argument, SF_KEY_SACK),
	SF_LONG("ecn", required_argument, SF_KEY_ECN),
	SF_LONG("synack-timeout-ms", required_argument,
		SF_KEY_SYNACK_TIMEOUT_MS),
	SF_LONG("keepalive-ms", required_argument, SF_KEY_KEEPALIVE_MS),
	SF_LONG("keepalive-intvl-ms", required_argument,
		SF_KEY_KEEPALIVE_INTVL_MS),
	SF_LONG("keepalive-probes", required_argument, SF_KEY_KEEPALIVE_PROBES),
	SF_LONG("idle-timeout-ms", required_argument, SF_KEY_IDLE_TIMEOUT_MS),
	SF_LONG("somaxconn", required_argument, SF_KEY_SOMAXCONN),
	SF_LONG("no-listener", required_argument, SF_KEY_NO_LISTENER),
	SF_LONG("time-wait-ms", required_argument, SF_KEY_TIME_WAIT_MS),
	SF_LONG("max-requests", required_argument, SF_KEY_MAX_REQUESTS),
	SF_LONG("max-conns", required_argument, SF_KEY_MAX_CONNS),
	SF_LONG("max-time-wait", required_argument, SF_KEY_MAX_TIME_WAIT),
	SF_LONG("sndbuf", required_argument, SF_KEY_SNDBUF),
	SF_LONG("tcp-retries2", required_argument, SF_KEY_TCP_RETRIES2),
	SF_LONG("cookie-secret", required_argument, SF_KEY_COOKIE_SECRET),
	SF_LONG("icmp-errors", required_argument, SF_KEY_ICMP_ERRORS),
	SF_LONG("announce", required_argument, SF_KEY_ANNOUNCE),
	SF_LONG("icmp-ratelimit", required_argument, SF_KEY_ICMP_RATELIMIT),
	SF_LONG("icmp-msgs-per-sec", required_argument,
		SF_KEY_ICMP_MSGS_PER_SEC),
	SF_LONG("icmp-msgs-burst", required_argument, SF_KEY_ICMP_MSGS_BURST),
	SF_LONG("greeting", required_argument, SF_KEY_GREETING),
	SF_LONG("local-port-range", required_argument,
		SF_KEY_LOCAL_PORT_RANGE),
	SF_LONG("tw-reuse", required_argument, SF_KEY_TW_REUSE),
	SF_LONG("syn-retries", required_argument, SF_KEY_SYN_RETRIES),
	SF_LONG("connect", required_argument, SF_KEY_CONNECT),
	SF_LONG("connect-conns", required_argument, SF_KEY_CONNECT_CONNS),
	SF_LONG("connect-parallel", required_argument,
		SF_KEY_CONNECT_PARALLEL),
	SF_LONG("connect-send", required_argument, SF_KEY_CONNECT_SEND),
	SF_LONG("backend", required_argument, SF_KEY_BACKEND),
	SF_LONG("backend-sched", required_argument, SF_KEY_BACKEND_SCHED),
	SF_LONG("backend-rise", required_argument, SF_KEY_BACKEND_RISE),
	SF_LONG("backend-fall", required_argument, SF_KEY_BACKEND_FALL),
	SF_LONG("backend-check-ms", required_argument,
		SF_KEY_BACKEND_CHECK_MS),
	SF_LONG("backend-check-timeout-ms", required_argument,
		SF_KEY_BACKEND_CHECK_TIMEOUT_MS),
	SF_LONG("backend-retries", required_argument, SF_KEY_BACKEND_RETRIES),
	SF_LONG("proxy-protocol", required_argument, SF_KEY_PROXY_PROTOCOL),
	SF_LONG("proxy-idle-ms", required_argument, SF_KEY_PROXY_IDLE_MS),
	SF_LONG("proxy-fin-idle-ms", required_argument,
		SF_KEY_PROXY_FIN_IDLE_MS),
	SF_LONG("stats-interval", required_argument, SF_KEY_STATS_INTERVAL),
	SF_LONG("stats-file", required_argument, SF_KEY_STATS_FILE),
	{ NULL, 0, NULL, 0 },
};

int
sf_conf_parse(struct sf_conf *conf, int argc, char **argv)
{
	bool cli_addr = false, cli_listen = false, cli_route = false;
	bool cli_backend = false;
	char where[64];
	int opt, ret;

	/*
	 * Pass 1: find -c and --help, report unknown options. The INI file is
	 * then loaded first so that pass 2's options override it.
	 */
	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":c:h", sf_long_opts,
			NULL)) != -1) {
		switch (opt) {
		case SF_OPT_CONFIG:
			if (strlen(optarg) >= sizeof(conf->config_file))
				return sf_conf_error("--config",
					"file name too long: '%s'", optarg);
			snprintf(conf->config_file, sizeof(conf->config_file),
				"%s", optarg);
			break;
		case SF_OPT_HELP:
			sf_conf_usage(argv[0]);
			return 1;
		case '?':
			return sf_conf_error(argv[optind - 1],
				"unknown option; see --help");
		case ':':
			return sf_conf_error(argv[optind - 1],
				"option needs a value; see --help");
		default:
			break;
		}
	}
	if (optind < argc)
		return sf_conf_error(argv[optind],
			"unexpected argument; options take the form --name value");
	if (conf->config_file[0] != '\0') {
		ret = sf_conf_load(conf, conf->config_file);
		if (ret != 0)
			return ret;
	}

	optind = 0;
	while ((opt = getopt_long(argc, argv, ":c:h", sf_long_opts,
			NULL)) != -1) {
		enum sf_key key;

		if (opt < SF_OPT_FIRST_KEY)
			continue;
		key = opt - SF_OPT_FIRST_KEY;
		/* Option name for messages: the INI key with '-' for '_'. */
		snprintf(where, sizeof(where), "--%s", sf_key_names[key]);
		for (char *c = where; *c; c++)
			if (*c == '_')
				*c = '-';
		/* Repeatable options replace the config's list, not extend it. */
		if (key == SF_KEY_ADDR && !cli_addr) {
			conf->addrs[0].pa_nb = 0;
			cli_addr = true;
		}
		if (key == SF_KEY_LISTEN && !cli_listen) {
			conf->nb_listen = 0;
			cli_listen = true;
		}
		if (key == SF_KEY_ROUTE && !cli_route) {
			conf->nb_routes = 0;
			cli_route = true;
		}
		if (key == SF_KEY_BACKEND && !cli_backend) {
			conf->pool0.nb_backends = 0;
			cli_backend = true;
		}
		if (key == SF_KEY_ABORT_ON_OVERFLOW)
			ret = sf_conf_set(conf, key, "yes", where);
		else
			ret = sf_conf_set(conf, key, optarg, where);
		if (ret != 0)
			return ret;
	}
	return sf_conf_resolve_listeners(conf);
}
