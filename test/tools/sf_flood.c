/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * sf_flood: a minimal spoofed TCP SYN flood source, the flood the
 * SYN-cookie end-to-end tests drive synfront with. It needs no DPDK: it
 * writes whole IPv4 or IPv6 + TCP headers (checksums included) to a raw
 * socket (IPPROTO_RAW, header inclusion) in whatever network namespace it
 * runs in, with source addresses drawn uniformly from a prefix (never the
 * all-zero host), random source ports, client ISNs and TSvals. The kernel
 * routes the packets by their destination; spoofed sources are never
 * answered in the sender's namespace, which is intended.
 *
 * It is always bounded: --count (packets tried) and --seconds (wall time)
 * are both required, and it stops at whichever comes first, then prints
 * one JSON line: {"sent": N, "errors": E, "seconds": T, "pps": R}.
 * A send that fails (ENOBUFS, or no room in the socket buffer within
 * 10 ms) is counted in "errors" and the flood goes on.
 *
 * Exit status: 0 when at least one packet went out, 1 on a usage error,
 * 2 when the raw socket cannot be opened, 3 when nothing could be sent.
 *
 * This is a test tool, not the benchmark generator: the benchmark issue
 * builds the full DPDK traffic generator.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#ifndef IPV6_HDRINCL
#define IPV6_HDRINCL 36 /* linux/in6.h, Linux >= 4.5 */
#endif

#define SF_PRG "sf_flood"

#define SF_IP4_HLEN      20
#define SF_IP6_HLEN      40
#define SF_TCP_HLEN      20
#define SF_TCP_OPT_MAX   40
#define SF_PKT_MAX       (SF_IP6_HLEN + SF_TCP_HLEN + SF_TCP_OPT_MAX)
#define SF_TTL           64
#define SF_WINDOW        64240
#define SF_SPORT_MIN     1024
#define SF_SECONDS_MAX   86400.0
#define SF_RATE_MAX      100000000ULL
#define SF_SNDTIMEO_US   10000
#define SF_DEF_SRC4      "10.99.0.0/16"
#define SF_DEF_SRC6      "fd00:99::/64"

/* TCP option kinds (RFC 9293, 2018, 7323). */
#define SF_OPT_NOP       1
#define SF_OPT_MSS       2
#define SF_OPT_WS        3
#define SF_OPT_SACKOK    4
#define SF_OPT_TS        8

/* What the command line asked for. */
struct sf_flood_conf {
	int family;                 /* AF_INET or AF_INET6, from --dst */
	uint8_t dst[16];            /* 4 or 16 bytes used */
	uint32_t dst_scope;         /* IPv6 scope id (addr%ifname) */
	uint8_t src[16];            /* the source prefix, host bits zero */
	unsigned int src_len;       /* its length in bits */
	uint16_t dport;
	uint16_t sport;             /* fixed source port, if !sport_random */
	bool sport_random;
	uint64_t count;
	double seconds;
	uint64_t rate;              /* packets per second, 0: unpaced */
	int mss;                    /* -1: no MSS option */
	int ws;                     /* -1: no window scale option */
	bool sack;
	bool ts;
	uint64_t seed;
	bool quiet;
};

static volatile sig_atomic_t sf_stop;

/* Asks the flood loop to stop (SIGINT, SIGTERM); the result is printed. */
static void
sf_on_signal(int sig)
{
	(void)sig;
	sf_stop = 1;
}

/* splitmix64: the repeatable PRNG, one 64-bit state. */
static uint64_t
sf_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Returns CLOCK_MONOTONIC in seconds. */
static double
sf_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Sleeps until the CLOCK_MONOTONIC time t (seconds). */
static void
sf_sleep_until(double t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec >= 1000000000L)
		ts.tv_nsec = 999999999L;
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

/* Prints the usage text to f. */
static void
sf_usage(FILE *f)
{
	fprintf(f,
"usage: " SF_PRG " --dst ADDR --dport N --count N --seconds S\n"
"                [--src PREFIX/LEN] [--sport-random | --sport N]\n"
"                [--rate PPS] [--opts LIST] [--seed N] [--quiet]\n"
"\n"
"Sends spoofed TCP SYNs through a raw socket (needs CAP_NET_RAW).\n"
"  --dst ADDR        destination, IPv4 or IPv6 (decides the family);\n"
"                    IPv6 link-local needs ADDR%%IFNAME\n"
"  --dport N         destination port, 1-65535\n"
"  --src PREFIX/LEN  sources drawn uniformly in the prefix, never its\n"
"                    all-zero host (default " SF_DEF_SRC4 " or\n"
"                    " SF_DEF_SRC6 ")\n"
"  --sport-random    random source port 1024-65535 per SYN (default)\n"
"  --sport N         fixed source port instead, 1-65535\n"
"  --count N         required: at most N packets (sent + failed)\n"
"  --seconds S       required: at most S seconds (fractional, <= 86400)\n"
"  --rate PPS        pace to PPS packets per second (0: unpaced, default)\n"
"  --opts LIST       SYN options, comma list of mss=N, ws=N, sack, ts\n"
"                    (Linux layout; default none)\n"
"  --seed N          PRNG seed (default: from time and pid)\n"
"  --quiet           no messages on stderr, only the JSON result\n"
"\n"
"Prints {\"sent\": N, \"errors\": E, \"seconds\": T, \"pps\": R}.\n"
"Exit: 0 sent >= 1, 1 usage error, 2 no raw socket, 3 nothing sent.\n");
}

/* Reports a bad option value and what was expected; exits 1. */
static void
sf_bad(const char *opt, const char *val, const char *expected)
{
	fprintf(stderr, SF_PRG ": bad value '%s' for --%s: expected %s\n",
		val, opt, expected);
	fprintf(stderr, "Try '" SF_PRG " --help'.\n");
	exit(1);
}

/* Parses a decimal unsigned integer in [min, max] or exits 1. */
static uint64_t
sf_parse_u64(const char *opt, const char *s, uint64_t min, uint64_t max,
		const char *expected)
{
	unsigned long long v;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		sf_bad(opt, s, expected);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		sf_bad(opt, s, expected);
	return v;
}

/* Parses an IPv4 or IPv6 address (IPv6 optionally ADDR%IFNAME). */
static int
sf_parse_addr(const char *s, uint8_t *addr, uint32_t *scope)
{
	char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 1];
	char *pct;

	*scope = 0;
	if (inet_pton(AF_INET, s, addr) == 1)
		return AF_INET;
	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	pct = strchr(buf, '%');
	if (pct != NULL) {
		*pct++ = '\0';
		*scope = if_nametoindex(pct);
		if (*scope == 0)
			return -1;
	}
	if (inet_pton(AF_INET6, buf, addr) == 1)
		return AF_INET6;
	return -1;
}

/* Parses --src PREFIX/LEN; the prefix must have no host bits set. */
static void
sf_parse_prefix(struct sf_flood_conf *c, const char *s, int family)
{
	const char *expected = family == AF_INET ?
		"an IPv4 prefix like 10.99.0.0/16 (the family of --dst), "
		"host bits zero" :
		"an IPv6 prefix like fd00:99::/64 (the family of --dst), "
		"host bits zero";
	char buf[INET6_ADDRSTRLEN + 8];
	unsigned int alen = family == AF_INET ? 4 : 16;
	unsigned int len, i, bits;
	char *slash, *end;
	unsigned long l;

	if (strlen(s) >= sizeof(buf))
		sf_bad("src", s, expected);
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash == NULL)
		sf_bad("src", s, expected);
	*slash++ = '\0';
	if (*slash < '0' || *slash > '9')
		sf_bad("src", s, expected);
	l = strtoul(slash, &end, 10);
	if (*end != '\0' || l > alen * 8)
		sf_bad("src", s, expected);
	len = (unsigned int)l;
	memset(c->src, 0, sizeof(c->src));
	if (inet_pton(family, buf, c->src) != 1)
		sf_bad("src", s, expected);
	/* Host bits set: the user meant another prefix, or mistyped one. */
	for (i = 0; i < alen; i++) {
		bits = len > i * 8 ? len - i * 8 : 0;
		if (bits >= 8)
			continue;
		if (c->src[i] & (0xffu >> bits))
			sf_bad("src", s, expected);
	}
	c->src_len = len;
}

/* Parses --opts: a comma list of mss=N, ws=N, sack, ts (may be empty). */
static void
sf_parse_opts(struct sf_flood_conf *c, const char *s)
{
	const char *expected =
		"a comma list of mss=N (1-65535), ws=N (0-14), sack, ts";
	char buf[256], *tok, *save = NULL;

	if (strlen(s) >= sizeof(buf))
		sf_bad("opts", s, expected);
	strcpy(buf, s);
	c->mss = -1;
	c->ws = -1;
	c->sack = false;
	c->ts = false;
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
			tok = strtok_r(NULL, ",", &save)) {
		if (strncmp(tok, "mss=", 4) == 0)
			c->mss = (int)sf_parse_u64("opts", tok + 4, 1, 65535,
					"mss=N with N in 1-65535");
		else if (strncmp(tok, "ws=", 3) == 0)
			c->ws = (int)sf_parse_u64("opts", tok + 3, 0, 14,
					"ws=N with N in 0-14");
		else if (strcmp(tok, "sack") == 0)
			c->sack = true;
		else if (strcmp(tok, "ts") == 0)
			c->ts = true;
		else
			sf_bad("opts", tok, expected);
	}
}

/* Parses the command line into c; exits 1 on any usage error. */
static void
sf_parse_args(struct sf_flood_conf *c, int argc, char **argv)
{
	enum {
		O_DST = 256, O_DPORT, O_SRC, O_SPORT_RANDOM, O_SPORT, O_COUNT,
		O_SECONDS, O_RATE, O_OPTS, O_SEED, O_QUIET, O_HELP,
	};
	static const struct option longopts[] = {
		{ "dst", required_argument, NULL, O_DST },
		{ "dport", required_argument, NULL, O_DPORT },
		{ "src", required_argument, NULL, O_SRC },
		{ "sport-random", no_argument, NULL, O_SPORT_RANDOM },
		{ "sport", required_argument, NULL, O_SPORT },
		{ "count", required_argument, NULL, O_COUNT },
		{ "seconds", required_argument, NULL, O_SECONDS },
		{ "rate", required_argument, NULL, O_RATE },
		{ "opts", required_argument, NULL, O_OPTS },
		{ "seed", required_argument, NULL, O_SEED },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	const char *dst = NULL, *src = NULL, *opts = NULL;
	bool have_dport = false, have_count = false, have_seconds = false;
	bool have_seed = false;
	char *end;
	int o;

	memset(c, 0, sizeof(*c));
	c->sport_random = true;
	c->mss = -1;
	c->ws = -1;
	opterr = 0;
	while ((o = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (o) {
		case O_DST:
			dst = optarg;
			break;
		case O_DPORT:
			c->dport = (uint16_t)sf_parse_u64("dport", optarg, 1,
					65535, "a port number 1-65535");
			have_dport = true;
			break;
		case O_SRC:
			src = optarg;
			break;
		case O_SPORT_RANDOM:
			c->sport_random = true;
			break;
		case O_SPORT:
			c->sport = (uint16_t)sf_parse_u64("sport", optarg, 1,
					65535, "a port number 1-65535");
			c->sport_random = false;
			break;
		case O_COUNT:
			c->count = sf_parse_u64("count", optarg, 1, UINT64_MAX,
					"a packet count >= 1");
			have_count = true;
			break;
		case O_SECONDS:
			errno = 0;
			c->seconds = strtod(optarg, &end);
			if (errno != 0 || end == optarg || *end != '\0' ||
					!isfinite(c->seconds) ||
					c->seconds <= 0 ||
					c->seconds > SF_SECONDS_MAX)
				sf_bad("seconds", optarg,
					"a number of seconds > 0 and <= 86400");
			have_seconds = true;
			break;
		case O_RATE:
			c->rate = sf_parse_u64("rate", optarg, 0, SF_RATE_MAX,
					"packets per second 0-100000000 "
					"(0: unpaced)");
			break;
		case O_OPTS:
			opts = optarg;
			break;
		case O_SEED:
			c->seed = sf_parse_u64("seed", optarg, 0, UINT64_MAX,
					"an unsigned 64-bit integer");
			have_seed = true;
			break;
		case O_QUIET:
			c->quiet = true;
			break;
		case O_HELP:
			sf_usage(stdout);
			exit(0);
		default:
			if (optopt >= O_DST)
				fprintf(stderr, SF_PRG
					": option needs a value: %s\n",
					argv[optind - 1]);
			else if (optopt != 0)
				fprintf(stderr, SF_PRG
					": unknown option: -%c\n", optopt);
			else
				fprintf(stderr, SF_PRG
					": unknown or ambiguous option: %s\n",
					argv[optind - 1]);
			fprintf(stderr, "Try '" SF_PRG " --help'.\n");
			exit(1);
		}
	}
	if (optind < argc) {
		fprintf(stderr, SF_PRG ": unexpected argument: %s\n",
			argv[optind]);
		exit(1);
	}
	if (dst == NULL || !have_dport || !have_count || !have_seconds) {
		fprintf(stderr, SF_PRG ": missing%s%s%s%s (all required)\n",
			dst == NULL ? " --dst" : "",
			have_dport ? "" : " --dport",
			have_count ? "" : " --count",
			have_seconds ? "" : " --seconds");
		sf_usage(stderr);
		exit(1);
	}
	c->family = sf_parse_addr(dst, c->dst, &c->dst_scope);
	if (c->family < 0)
		sf_bad("dst", dst, "an IPv4 or IPv6 address "
			"(IPv6 link-local as ADDR%IFNAME)");
	if (src == NULL)
		src = c->family == AF_INET ? SF_DEF_SRC4 : SF_DEF_SRC6;
	sf_parse_prefix(c, src, c->family);
	if (opts != NULL)
		sf_parse_opts(c, opts);
	if (!have_seed)
		c->seed = (uint64_t)time(NULL) << 20 ^ (uint64_t)getpid() ^
			(uint64_t)(sf_now() * 1e9);
}

/* Writes the SYN's TCP options in Linux's layout; returns their length. */
static unsigned int
sf_build_opts(const struct sf_flood_conf *c, uint8_t *p, uint8_t **tsval)
{
	unsigned int n = 0;

	*tsval = NULL;
	if (c->mss >= 0) {
		p[n++] = SF_OPT_MSS;
		p[n++] = 4;
		p[n++] = (uint8_t)(c->mss >> 8);
		p[n++] = (uint8_t)c->mss;
	}
	if (c->ts) {
		if (c->sack) {
			p[n++] = SF_OPT_SACKOK;
			p[n++] = 2;
		} else {
			p[n++] = SF_OPT_NOP;
			p[n++] = SF_OPT_NOP;
		}
		p[n++] = SF_OPT_TS;
		p[n++] = 10;
		*tsval = &p[n];
		memset(&p[n], 0, 8); /* TSval (per SYN), TSecr 0 */
		n += 8;
	} else if (c->sack) {
		p[n++] = SF_OPT_NOP;
		p[n++] = SF_OPT_NOP;
		p[n++] = SF_OPT_SACKOK;
		p[n++] = 2;
	}
	if (c->ws >= 0) {
		p[n++] = SF_OPT_NOP;
		p[n++] = SF_OPT_WS;
		p[n++] = 3;
		p[n++] = (uint8_t)c->ws;
	}
	return n;
}

/* Adds len bytes to a one's-complement sum (big-endian 16-bit words). */
static uint32_t
sf_sum(uint32_t sum, const uint8_t *p, unsigned int len)
{
	unsigned int i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

/* Folds a one's-complement sum and returns its complement. */
static uint16_t
sf_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Stores a 16-bit value big-endian. */
static void
sf_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Stores a 32-bit value big-endian. */
static void
sf_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Draws a source address uniformly in the prefix, not its zero host. */
static void
sf_rand_src(const struct sf_flood_conf *c, uint64_t *rng, uint8_t *out)
{
	unsigned int alen = c->family == AF_INET ? 4 : 16;
	unsigned int i, bits;
	uint8_t mask, host;
	uint64_t r = 0;

	for (;;) {
		host = 0;
		for (i = 0; i < alen; i++) {
			if ((i & 7) == 0)
				r = sf_rand(rng);
			bits = c->src_len > i * 8 ? c->src_len - i * 8 : 0;
			mask = bits >= 8 ? 0 : (uint8_t)(0xffu >> bits);
			out[i] = (uint8_t)(c->src[i] | ((uint8_t)r & mask));
			host |= (uint8_t)r & mask;
			r >>= 8;
		}
		/* A /32 or /128 has no host part: the prefix is the host. */
		if (host != 0 || c->src_len == alen * 8)
			return;
	}
}

/*
 * Fills pkt with the next SYN (the fixed parts are already there) and
 * returns its length: new source, source port, ISN, TSval, checksums.
 */
static unsigned int
sf_next_syn(const struct sf_flood_conf *c, uint64_t *rng, uint8_t *pkt,
		unsigned int optlen, unsigned int tsval_off)
{
	unsigned int tcplen = SF_TCP_HLEN + optlen;
	uint8_t *ip = pkt, *tcp, *src, *dst;
	unsigned int hlen, alen;
	uint32_t sum;
	uint16_t sport;

	if (c->family == AF_INET) {
		hlen = SF_IP4_HLEN;
		alen = 4;
		src = ip + 12;
		dst = ip + 16;
	} else {
		hlen = SF_IP6_HLEN;
		alen = 16;
		src = ip + 8;
		dst = ip + 24;
	}
	tcp = ip + hlen;
	sf_rand_src(c, rng, src);
	sport = c->sport_random ? (uint16_t)(SF_SPORT_MIN + sf_rand(rng) %
		(65536 - SF_SPORT_MIN)) : c->sport;
	sf_put16(tcp, sport);
	sf_put32(tcp + 4, (uint32_t)sf_rand(rng));
	if (c->ts)
		sf_put32(tcp + tsval_off, (uint32_t)sf_rand(rng));
	sf_put16(tcp + 16, 0);
	/* Pseudo-header: addresses, protocol, TCP length (RFC 9293, 8200). */
	sum = sf_sum(0, src, alen);
	sum = sf_sum(sum, dst, alen);
	sum += IPPROTO_TCP + tcplen;
	sum = sf_sum(sum, tcp, tcplen);
	sf_put16(tcp + 16, sf_fold(sum));
	if (c->family == AF_INET) {
		sf_put16(ip + 4, (uint16_t)sf_rand(rng));
		sf_put16(ip + 10, 0);
		sf_put16(ip + 10, sf_fold(sf_sum(0, ip, SF_IP4_HLEN)));
	}
	return hlen + tcplen;
}

/*
 * Writes the fixed parts of the SYN into pkt: IP header without source,
 * TCP header without port, ISN and checksum, the options. Returns the
 * options' length; *tsval_off is the TSval's offset in the TCP header.
 */
static unsigned int
sf_syn_template(const struct sf_flood_conf *c, uint8_t *pkt,
		unsigned int *tsval_off)
{
	uint8_t opts[SF_TCP_OPT_MAX], *tcp, *tsval;
	unsigned int optlen, tcplen;

	optlen = sf_build_opts(c, opts, &tsval);
	*tsval_off = tsval != NULL ?
		SF_TCP_HLEN + (unsigned int)(tsval - opts) : 0;
	tcplen = SF_TCP_HLEN + optlen;
	memset(pkt, 0, SF_PKT_MAX);
	if (c->family == AF_INET) {
		pkt[0] = 0x45;
		sf_put16(pkt + 2, (uint16_t)(SF_IP4_HLEN + tcplen));
		sf_put16(pkt + 6, 0x4000); /* DF, as Linux's SYNs */
		pkt[8] = SF_TTL;
		pkt[9] = IPPROTO_TCP;
		memcpy(pkt + 16, c->dst, 4);
		tcp = pkt + SF_IP4_HLEN;
	} else {
		pkt[0] = 0x60;
		sf_put16(pkt + 4, (uint16_t)tcplen);
		pkt[6] = IPPROTO_TCP;
		pkt[7] = SF_TTL;
		memcpy(pkt + 24, c->dst, 16);
		tcp = pkt + SF_IP6_HLEN;
	}
	sf_put16(tcp + 2, c->dport);
	tcp[12] = (uint8_t)((tcplen / 4) << 4);
	tcp[13] = 0x02; /* SYN */
	sf_put16(tcp + 14, SF_WINDOW);
	memcpy(tcp + SF_TCP_HLEN, opts, optlen);
	return optlen;
}

/* Opens the raw socket with header inclusion; returns it or -1. */
static int
sf_open_raw(const struct sf_flood_conf *c)
{
	struct timeval tv = { .tv_sec = 0, .tv_usec = SF_SNDTIMEO_US };
	int fd, one = 1;

	fd = socket(c->family, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		fprintf(stderr, SF_PRG ": raw socket: %s%s\n", strerror(errno),
			errno == EPERM ? " (needs root or CAP_NET_RAW)" : "");
		return -1;
	}
	/* IPPROTO_RAW implies header inclusion; say so for IPv6 anyway. */
	if (c->family == AF_INET6 &&
			setsockopt(fd, IPPROTO_IPV6, IPV6_HDRINCL, &one,
				sizeof(one)) < 0) {
		fprintf(stderr, SF_PRG ": IPV6_HDRINCL: %s\n",
			strerror(errno));
		close(fd);
		return -1;
	}
	/* A full socket buffer blocks at most 10 ms: the bounds hold. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0) {
		fprintf(stderr, SF_PRG ": SO_SNDTIMEO: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Parses the options, floods within the bounds, prints the result. */
int
main(int argc, char **argv)
{
	struct sf_flood_conf c;
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct sigaction sa;
	uint8_t pkt[SF_PKT_MAX];
	unsigned int optlen, tsval_off, len;
	uint64_t rng, i, sent = 0, errors = 0;
	double start, now, deadline, elapsed;
	socklen_t sslen;
	int fd, last_errno = 0;
	char dbuf[INET6_ADDRSTRLEN], sbuf[INET6_ADDRSTRLEN];

	sf_parse_args(&c, argc, argv);
	fd = sf_open_raw(&c);
	if (fd < 0)
		return 2;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sf_on_signal; /* no SA_RESTART: a send returns */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	memset(&ss, 0, sizeof(ss));
	if (c.family == AF_INET) {
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, c.dst, 4);
		sslen = sizeof(*sin);
	} else {
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, c.dst, 16);
		sin6->sin6_scope_id = c.dst_scope;
		sslen = sizeof(*sin6);
	}
	optlen = sf_syn_template(&c, pkt, &tsval_off);
	rng = c.seed;

	if (!c.quiet) {
		inet_ntop(c.family, c.dst, dbuf, sizeof(dbuf));
		inet_ntop(c.family, c.src, sbuf, sizeof(sbuf));
		fprintf(stderr, SF_PRG ": SYNs to %s port %u from %s/%u, "
			"at most %" PRIu64 " packets in %g s, rate %" PRIu64
			"%s, seed %" PRIu64 "\n", dbuf, c.dport, sbuf,
			c.src_len, c.count, c.seconds, c.rate,
			c.rate == 0 ? " (unpaced)" : " pps", c.seed);
	}

	start = sf_now();
	deadline = start + c.seconds;
	now = start;
	for (i = 0; i < c.count && !sf_stop; i++) {
		if (c.rate != 0) {
			/* Packet i is due at start + i / rate. */
			double due = start + (double)i / (double)c.rate;

			if (due >= deadline)
				break;
			if (due > now)
				sf_sleep_until(due);
			if (sf_stop)
				break;
		}
		len = sf_next_syn(&c, &rng, pkt, optlen, tsval_off);
		if (sendto(fd, pkt, len, 0, (struct sockaddr *)&ss,
				sslen) == (ssize_t)len) {
			sent++;
		} else {
			errors++;
			if (!c.quiet && errno != last_errno)
				fprintf(stderr, SF_PRG ": send: %s "
					"(counted in errors, going on)\n",
					strerror(errno));
			last_errno = errno;
		}
		now = sf_now();
		if (now >= deadline)
			break;
	}
	/*
	 * Paced: the run lasts until the next packet would be due (or the
	 * time bound), so that "pps" is the rate asked for, not one more.
	 */
	if (c.rate != 0 && !sf_stop) {
		double due = start + (double)(sent + errors) / (double)c.rate;

		sf_sleep_until(due < deadline ? due : deadline);
	}
	elapsed = sf_now() - start;
	close(fd);

	printf("{\"sent\": %" PRIu64 ", \"errors\": %" PRIu64
		", \"seconds\": %.6f, \"pps\": %.1f}\n", sent, errors, elapsed,
		elapsed > 0 ? (double)sent / elapsed : 0.0);
	fflush(stdout);
	return sent > 0 ? 0 : 3;
}
