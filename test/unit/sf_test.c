/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#include <dirent.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <unistd.h>

#include "sf_test.h"

int sf_test_failures;
struct rte_mempool *sf_test_pool;

const struct rte_ether_addr sf_test_mac = {{ 0x02, 0, 0, 0, 0, 0x01 }};
const struct rte_ether_addr sf_test_peer = {{ 0x02, 0, 0, 0, 0, 0x02 }};
const uint8_t sf_test_v4[4] = { 10, 10, 0, 1 };
const uint8_t sf_test_v6[16] = {
	0xfd, 0x00, 0x00, 0x10, 0x00, 0x10, [15] = 0x01
};

void
sf_test_init(int argc, char **argv)
{
	char prefix[64];
	char *eal[] = {
		argv[0], "--no-huge", "-m", "512", "--no-pci", "--no-shconf",
		"--no-telemetry", "--log-level", "lib.eal:error",
		"--file-prefix", prefix, "-l", "0",
	};

	RTE_SET_USED(argc);
	snprintf(prefix, sizeof(prefix), "sf_unit_%d", (int)getpid());
	if (rte_eal_init((int)RTE_DIM(eal), eal) < 0) {
		fprintf(stderr, "EAL init failed: %s\n",
			rte_strerror(rte_errno));
		exit(1);
	}
	sf_test_pool = rte_pktmbuf_pool_create("sf_test", 1023, 0, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (sf_test_pool == NULL) {
		fprintf(stderr, "pool: %s\n", rte_strerror(rte_errno));
		exit(1);
	}
}

static char sf_test_fuzz_dir[PATH_MAX];

static void
sf_test_fuzz_rm_dir(void)
{
	sf_test_rm_runtime_dir(sf_test_fuzz_dir);
}

struct rte_mempool *
sf_test_fuzz_init(const char *argv0, const char *tag, unsigned int n)
{
	struct rte_mempool *pool;
	char prefix[64];
	char *eal[] = {
		(char *)(uintptr_t)argv0, "--no-huge", "-m", "512", "--no-pci",
		"--no-shconf", "--no-telemetry", "--log-level", "*:error",
		"--file-prefix", prefix, "-l", "0",
	};

	snprintf(prefix, sizeof(prefix), "%s_%d", tag, (int)getpid());
	if (rte_eal_init((int)RTE_DIM(eal), eal) < 0) {
		fprintf(stderr, "EAL: %s\n", rte_strerror(rte_errno));
		abort();
	}
	snprintf(sf_test_fuzz_dir, sizeof(sf_test_fuzz_dir), "%s",
		rte_eal_get_runtime_dir());
	atexit(sf_test_fuzz_rm_dir);
	pool = rte_pktmbuf_pool_create(tag, n, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
			SOCKET_ID_ANY);
	if (pool == NULL)
		abort();
	return pool;
}

struct sf_engine *
sf_test_engine(bool tx_ip4_cksum)
{
	struct sf_port_conf pc = { .mac = sf_test_mac };

	if (tx_ip4_cksum)
		pc.tx_offloads = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
	return sf_test_engine_conf(&pc, 1);
}

static struct sf_engine *
sf_test_engine_make(const struct sf_engine_params *ep,
		const struct sf_port_conf *pc)
{
	struct sf_engine *eng;
	struct sf_addr a;

	eng = sf_engine_create(ep);
	if (eng == NULL || sf_engine_port_add(eng, SF_TEST_PORT, pc) != 0) {
		fprintf(stderr, "engine: %s\n", rte_strerror(rte_errno));
		exit(1);
	}
	memset(&a, 0, sizeof(a));
	a.family = AF_INET;
	a.prefix_len = 24;
	memcpy(&a.v4, sf_test_v4, 4);
	if (sf_engine_addr_add(eng, SF_TEST_PORT, &a) != 0)
		exit(1);
	a.family = AF_INET6;
	a.prefix_len = 64;
	memcpy(a.v6, sf_test_v6, 16);
	if (sf_engine_addr_add(eng, SF_TEST_PORT, &a) != 0)
		exit(1);
	return eng;
}

struct sf_engine *
sf_test_engine_conf(const struct sf_port_conf *pc, unsigned int nb_workers)
{
	struct sf_engine_params ep = { .nb_workers = nb_workers,
		.socket_id = SOCKET_ID_ANY };

	return sf_test_engine_make(&ep, pc);
}

struct rte_mbuf *
sf_test_mbuf(const void *data, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(sf_test_pool);
	char *p;

	if (m == NULL || (p = rte_pktmbuf_append(m, len)) == NULL) {
		fprintf(stderr, "mbuf alloc of %u bytes failed\n", len);
		exit(1);
	}
	memcpy(p, data, len);
	return m;
}

uint64_t
sf_test_counter(struct sf_engine *eng, enum sf_counter c)
{
	uint64_t v[SF_CNT_MAX];

	sf_engine_worker_counters(eng, 0, v);
	return v[c];
}

enum sf_verdict
sf_test_input(struct sf_engine *eng, struct rte_mbuf *m)
{
	return sf_input_one(sf_engine_worker(eng, 0), SF_TEST_PORT, m);
}

static const char *
sf_test_verdict_name(enum sf_verdict v)
{
	switch (v) {
	case SF_VERDICT_DROP: return "DROP";
	case SF_VERDICT_TX: return "TX";
	case SF_VERDICT_DONE: return "DONE";
	case SF_VERDICT_KEPT: return "KEPT";
	/* Internal to the receive path: sf_input_one() never returns it. */
	case SF_VERDICT_ICMP_ERR: return "ICMP_ERR (internal)";
	}
	return "?";
}

/*
 * The neighbour table's counters (neigh_*) count what the ARP and ND
 * traffic taught it and what its timers did, a side effect beside the
 * one outcome of each frame; the exact-counter checks leave them to
 * test_neigh.
 */
static bool
sf_test_side_counter(unsigned int c)
{
	return strncmp(sf_counter_name(c), "neigh_", 6) == 0;
}

struct rte_mbuf *
sf_test_check_input_v(struct sf_engine *eng, struct rte_mbuf *m,
		enum sf_verdict verdict, const enum sf_counter *cs,
		const char *file, int line)
{
	uint64_t before[SF_CNT_MAX], after[SF_CNT_MAX], want[SF_CNT_MAX];
	enum sf_verdict got;
	unsigned int i;

	sf_engine_worker_counters(eng, 0, before);
	memcpy(want, before, sizeof(want));
	for (i = 0; cs[i] != SF_CNT_MAX; i++)
		want[cs[i]]++;
	got = sf_test_input(eng, m);
	sf_engine_worker_counters(eng, 0, after);
	if (got != verdict) {
		fprintf(stderr, "FAIL %s:%d: verdict %s, expected %s\n", file,
			line, sf_test_verdict_name(got),
			sf_test_verdict_name(verdict));
		sf_test_failures++;
	}
	for (i = 0; i < SF_CNT_MAX; i++) {
		if (after[i] != want[i] && !sf_test_side_counter(i)) {
			fprintf(stderr, "FAIL %s:%d: counter %s went from %"
				PRIu64 " to %" PRIu64 ", expected %" PRIu64
				"\n", file, line, sf_counter_name(i),
				before[i], after[i], want[i]);
			sf_test_failures++;
		}
	}
	if (got == SF_VERDICT_TX && verdict == SF_VERDICT_TX)
		return m;
	if (got != SF_VERDICT_KEPT)
		rte_pktmbuf_free(m);
	return NULL;
}

struct rte_mbuf *
sf_test_check_input(struct sf_engine *eng, struct rte_mbuf *m,
		enum sf_verdict verdict, enum sf_counter c, enum sf_counter c2,
		const char *file, int line)
{
	enum sf_counter cs[3] = { c, c2, SF_CNT_MAX };

	return sf_test_check_input_v(eng, m, verdict, cs, file, line);
}

uint16_t
sf_test_put_eth(void *buf, const struct rte_ether_addr *dst,
		unsigned int nb_vlan, uint16_t ethertype)
{
	struct rte_ether_hdr *eh = buf;
	struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eh + 1);
	unsigned int i;

	eh->dst_addr = *dst;
	eh->src_addr = sf_test_peer;
	if (nb_vlan == 0) {
		eh->ether_type = rte_cpu_to_be_16(ethertype);
		return sizeof(*eh);
	}
	eh->ether_type = rte_cpu_to_be_16(nb_vlan > 1 ?
			RTE_ETHER_TYPE_QINQ : RTE_ETHER_TYPE_VLAN);
	for (i = 0; i < nb_vlan; i++) {
		vh[i].vlan_tci = rte_cpu_to_be_16(100 * (i + 1));
		vh[i].eth_proto = rte_cpu_to_be_16(i + 1 < nb_vlan ?
				RTE_ETHER_TYPE_VLAN : ethertype);
	}
	return sizeof(*eh) + nb_vlan * sizeof(*vh);
}

uint16_t
sf_test_put_ip4(void *buf, const uint8_t *src, const uint8_t *dst,
		uint8_t proto, uint16_t l4_len)
{
	struct rte_ipv4_hdr *ip = buf;

	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + l4_len);
	ip->packet_id = rte_cpu_to_be_16(0x1234);
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = proto;
	memcpy(&ip->src_addr, src, 4);
	memcpy(&ip->dst_addr, dst, 4);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return sizeof(*ip);
}

uint16_t
sf_test_put_ip6(void *buf, const uint8_t *src, const uint8_t *dst,
		uint8_t proto, uint16_t payload_len, uint8_t hop_limit)
{
	struct rte_ipv6_hdr *ip6 = buf;

	/* Traffic class and flow label set, to see that replies clear them. */
	ip6->vtc_flow = rte_cpu_to_be_32(6u << 28 | 0x12345);
	ip6->payload_len = rte_cpu_to_be_16(payload_len);
	ip6->proto = proto;
	ip6->hop_limits = hop_limit;
	memcpy(ip6->src_addr, src, 16);
	memcpy(ip6->dst_addr, dst, 16);
	return sizeof(*ip6);
}

uint16_t
sf_test_sum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *b = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum >> 16) + (sum & 0xffff);
	return (uint16_t)sum;
}

uint16_t
sf_test_ip6_sum(const struct rte_ipv6_hdr *ip6, const void *l4, uint32_t len,
		uint8_t proto)
{
	uint32_t sum;

	sum = sf_test_sum(ip6->src_addr, 32, 0);
	sum += (len >> 16) + (len & 0xffff) + proto;
	return sf_test_sum(l4, len, sum);
}

void
sf_test_put_cksum(void *field, uint16_t sum)
{
	uint8_t *f = field;

	sum = (uint16_t)~sum;
	f[0] = sum >> 8;
	f[1] = sum & 0xff;
}

/*
 * EAL makes /var/run/dpdk/<prefix> even with --no-shconf and leaves it:
 * remove it and the flat files in it, so a test run leaves nothing behind.
 */
void
sf_test_rm_runtime_dir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	d = opendir(dir);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

int
sf_test_done(const char *name)
{
	unsigned int avail = rte_mempool_avail_count(sf_test_pool);
	char dir[PATH_MAX];

	/* Every test must give back every mbuf it took. */
	if (avail != sf_test_pool->size) {
		fprintf(stderr, "FAIL %s: %u mbufs not returned to the pool\n",
			name, sf_test_pool->size - avail);
		sf_test_failures++;
	}
	printf("%s: %s (%d failure%s)\n", name,
		sf_test_failures ? "FAILED" : "ok", sf_test_failures,
		sf_test_failures == 1 ? "" : "s");
	rte_mempool_free(sf_test_pool);
	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	sf_test_rm_runtime_dir(dir);
	return sf_test_failures ? 1 : 0;
}

/* TCP: engines with a pool and a tx hook, segments, replies. */

const uint8_t sf_test_peer_v4[4] = { 10, 10, 0, 2 };
const uint8_t sf_test_peer_v6[16] = {
	0xfd, 0x00, 0x00, 0x10, 0x00, 0x10, [15] = 0x02
};

struct rte_mbuf *sf_test_tx[SF_TEST_TX_MAX];
unsigned int sf_test_tx_n;

void
sf_test_tx_hook(struct sf_net *nt, uint16_t port_id, struct rte_mbuf *m)
{
	RTE_SET_USED(nt);
	if (port_id != SF_TEST_PORT || sf_test_tx_n >= SF_TEST_TX_MAX) {
		fprintf(stderr, "FAIL tx hook: port %u, %u frames held\n",
			port_id, sf_test_tx_n);
		sf_test_failures++;
		rte_pktmbuf_free(m);
		return;
	}
	sf_test_tx[sf_test_tx_n++] = m;
}

void
sf_test_tx_flush(void)
{
	unsigned int i;

	for (i = 0; i < sf_test_tx_n; i++)
		rte_pktmbuf_free(sf_test_tx[i]);
	sf_test_tx_n = 0;
}

void
sf_test_stream_take(struct sf_test_stream *st, struct rte_mbuf *extra)
{
	struct rte_mbuf *ms[SF_TEST_TX_MAX + 1];
	unsigned int i, k = 0;

	for (i = 0; i < sf_test_tx_n; i++)
		ms[k++] = sf_test_tx[i];
	if (extra != NULL)
		ms[k++] = extra;
	sf_test_tx_n = 0;
	for (i = 0; i < k; i++) {
		struct sf_test_seg r;
		uint32_t len;
		const void *d;

		if (!SF_TEST_TCP_PARSE(ms[i], &r))
			continue;
		if (r.flags & RTE_TCP_RST_FLAG)
			st->rst = true;
		len = r.data_len;
		if (len != 0 && r.seq == st->rcv && st->n + len <= st->cap) {
			d = rte_pktmbuf_read(ms[i], rte_pktmbuf_pkt_len(ms[i]) -
				len, len, st->buf + st->n);
			/* read() points into the mbuf when it can */
			if (d != NULL && d != st->buf + st->n)
				memcpy(st->buf + st->n, d, len);
			st->n += len;
			st->rcv += len;
		}
		if ((r.flags & RTE_TCP_FIN_FLAG) && r.seq + len == st->rcv) {
			st->fin = true;
			st->rcv++;
		}
	}
	for (i = 0; i < k; i++)
		rte_pktmbuf_free(ms[i]);
}

struct sf_engine *
sf_test_engine_tcp(const struct sf_engine_params *params)
{
	struct sf_port_conf pc = { .mac = sf_test_mac };

	return sf_test_engine_tcp_port(params, &pc);
}

struct sf_engine *
sf_test_listen_engine(const struct sf_engine_params *params,
		const struct sf_listener_params *lp)
{
	struct sf_engine *eng = sf_test_engine_tcp(params);
	int ret = sf_engine_listen(eng, lp);

	if (ret != 0) {
		fprintf(stderr, "sf_engine_listen: %d\n", ret);
		exit(1);
	}
	return eng;
}

void
sf_test_teardown(struct sf_engine *eng)
{
	sf_test_tx_flush();
	sf_engine_free(eng);
}

struct rte_mbuf *
sf_test_arp_frame(uint16_t op)
{
	static const struct rte_ether_addr bcast = {{ 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff }};
	bool reply = op == RTE_ARP_OP_REPLY;
	uint8_t f[60];
	struct rte_arp_hdr *ah = (struct rte_arp_hdr *)(f + 14);

	memset(f, 0, sizeof(f));
	sf_test_put_eth(f, reply ? &sf_test_mac : &bcast, 0,
		RTE_ETHER_TYPE_ARP);
	ah->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	ah->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ah->arp_hlen = 6;
	ah->arp_plen = 4;
	ah->arp_opcode = rte_cpu_to_be_16(op);
	ah->arp_data.arp_sha = sf_test_peer;
	memcpy(&ah->arp_data.arp_sip, sf_test_peer_v4, 4);
	if (reply)
		ah->arp_data.arp_tha = sf_test_mac;
	memcpy(&ah->arp_data.arp_tip, sf_test_v4, 4);
	return sf_test_mbuf(f, sizeof(f));
}

struct rte_mbuf *
sf_test_arp_request(void)
{
	return sf_test_arp_frame(RTE_ARP_OP_REQUEST);
}

struct sf_engine *
sf_test_engine_tcp_port(const struct sf_engine_params *params,
		const struct sf_port_conf *pc)
{
	struct sf_engine_params ep = {
		.nb_workers = 1, .socket_id = SOCKET_ID_ANY,
		.max_requests = 64, .max_conns = 64,
	};
	struct sf_engine *eng;

	if (params != NULL)
		ep = *params;
	if (ep.nb_workers == 0)
		ep.nb_workers = 1;
	if (ep.pool == NULL)
		ep.pool = sf_test_pool;
	/* The tests time TIME-WAIT at 2 s, not the 60 s default. */
	if (ep.time_wait_ms == 0)
		ep.time_wait_ms = 2000;
	eng = sf_test_engine_make(&ep, pc);
	sf_engine_tx_hook(eng, sf_test_tx_hook);
	sf_test_tx_n = 0;
	return eng;
}

void
sf_test_tcp_init(struct sf_test_tcp *t, bool v6, uint16_t sport,
		uint16_t dport)
{
	memset(t, 0, sizeof(*t));
	t->v6 = v6;
	t->src = v6 ? sf_test_peer_v6 : sf_test_peer_v4;
	t->dst = v6 ? sf_test_v6 : sf_test_v4;
	t->sport = sport;
	t->dport = dport;
	t->win = 29200;
}

uint8_t
sf_test_tcp_synopts(uint8_t *o, unsigned int which, uint16_t mss,
		uint8_t wscale, uint32_t tsval, uint32_t tsecr)
{
	uint8_t n = 0;

	if (which & SF_TOF_MSS) {
		o[n++] = SF_TCPOPT_MSS;
		o[n++] = 4;
		o[n++] = mss >> 8;
		o[n++] = mss & 0xff;
	}
	if (which & SF_TOF_SACKPERM) {
		o[n++] = SF_TCPOPT_SACK_PERM;
		o[n++] = 2;
	}
	if (which & SF_TOF_TS) {
		o[n++] = SF_TCPOPT_TS;
		o[n++] = 10;
		o[n++] = tsval >> 24;
		o[n++] = tsval >> 16;
		o[n++] = tsval >> 8;
		o[n++] = tsval;
		o[n++] = tsecr >> 24;
		o[n++] = tsecr >> 16;
		o[n++] = tsecr >> 8;
		o[n++] = tsecr;
	}
	if (which & SF_TOF_WSCALE) {
		o[n++] = SF_TCPOPT_NOP;
		o[n++] = SF_TCPOPT_WSCALE;
		o[n++] = 3;
		o[n++] = wscale;
	}
	while (n % 4 != 0)
		o[n++] = SF_TCPOPT_NOP;
	return n;
}

/* Sum of the IPv4 pseudo-header (RFC 9293 3.1) and len bytes at l4. */
static uint16_t
sf_test_ip4_sum(const struct rte_ipv4_hdr *ip, const void *l4, uint32_t len,
		uint8_t proto)
{
	uint32_t sum;

	sum = sf_test_sum(&ip->src_addr, 8, 0);
	sum += len + proto;
	return sf_test_sum(l4, len, sum);
}

struct rte_mbuf *
sf_test_tcp_frame(const struct sf_test_tcp *t)
{
	uint8_t f[2048];
	struct rte_tcp_hdr *th;
	uint16_t l2, l3, l4;
	uint8_t *ip;

	memset(f, 0, sizeof(f));
	l4 = sizeof(*th) + t->optlen + t->data_len;
	l2 = sf_test_put_eth(f, &sf_test_mac, t->nb_vlan, t->v6 ?
			RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4);
	ip = f + l2;
	if (t->v6)
		l3 = sf_test_put_ip6(ip, t->src, t->dst, IPPROTO_TCP, l4, 64);
	else
		l3 = sf_test_put_ip4(ip, t->src, t->dst, IPPROTO_TCP, l4);
	th = (struct rte_tcp_hdr *)(ip + l3);
	th->src_port = rte_cpu_to_be_16(t->sport);
	th->dst_port = rte_cpu_to_be_16(t->dport);
	th->sent_seq = rte_cpu_to_be_32(t->seq);
	th->recv_ack = rte_cpu_to_be_32(t->ack);
	th->data_off = (uint8_t)(((sizeof(*th) + t->optlen) / 4) << 4);
	th->tcp_flags = t->flags;
	th->rx_win = rte_cpu_to_be_16(t->win);
	memcpy(th + 1, t->opt, t->optlen);
	if (t->data_len != 0)
		memcpy((uint8_t *)(th + 1) + t->optlen, t->data, t->data_len);
	if (t->v6)
		sf_test_put_cksum(&th->cksum, sf_test_ip6_sum(
			(const struct rte_ipv6_hdr *)ip, th, l4, IPPROTO_TCP));
	else
		sf_test_put_cksum(&th->cksum, sf_test_ip4_sum(
			(const struct rte_ipv4_hdr *)ip, th, l4, IPPROTO_TCP));
	if (t->bad_csum)
		th->cksum ^= 0x0101;
	return sf_test_mbuf(f, (uint16_t)(l2 + l3 + l4));
}

#define SF_TCHK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "FAIL %s:%d: ", file, line); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		sf_test_failures++; \
		ok = false; \
	} \
} while (0)

/*
 * What a NIC does with a frame whose checksums were left to it, on a
 * copy: check the mbuf keeps DPDK's contract (l2_len and l3_len, the IPv4
 * header checksum 0, the TCP field holding the pseudo-header sum), then
 * fill in the checksums, so the caller can check the frame as it would
 * leave the port.
 */
static bool
sf_test_nic_tx(const struct rte_mbuf *m, uint8_t *f, uint32_t len,
		const char *file, int line)
{
	uint64_t ol = m->ol_flags;
	uint8_t *l3 = f + m->l2_len;
	struct rte_tcp_hdr *th;
	bool ok = true;

	SF_TCHK(m->l2_len >= sizeof(struct rte_ether_hdr) &&
		m->l2_len + m->l3_len + sizeof(*th) <= len,
		"offload lengths l2 %u l3 %u in a frame of %u", m->l2_len,
		m->l3_len, len);
	if (!ok)
		return false;
	th = (struct rte_tcp_hdr *)(l3 + m->l3_len);
	if (ol & RTE_MBUF_F_TX_IP_CKSUM) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)l3;

		SF_TCHK(ol & RTE_MBUF_F_TX_IPV4, "IP_CKSUM without IPV4");
		SF_TCHK(m->l3_len == 20, "l3_len %u", m->l3_len);
		SF_TCHK(ip->hdr_checksum == 0,
			"IPv4 checksum 0x%x left to the NIC, not 0",
			ip->hdr_checksum);
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	if ((ol & RTE_MBUF_F_TX_L4_MASK) == RTE_MBUF_F_TX_TCP_CKSUM) {
		uint16_t phdr, l4 = (uint16_t)(len - m->l2_len - m->l3_len);

		if (ol & RTE_MBUF_F_TX_IPV4)
			phdr = rte_ipv4_phdr_cksum((const void *)l3, ol);
		else
			phdr = rte_ipv6_phdr_cksum((const void *)l3, ol);
		SF_TCHK(ol & (RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IPV6),
			"TCP_CKSUM without IPV4 or IPV6");
		SF_TCHK(th->cksum == phdr,
			"TCP field 0x%x, not the pseudo-header sum 0x%x",
			th->cksum, phdr);
		SF_TCHK(m->l4_len == (th->data_off >> 4) * 4,
			"l4_len %u, TCP header %u", m->l4_len,
			(th->data_off >> 4) * 4);
		/* The sum from the field on: pseudo header plus segment. */
		th->cksum = (uint16_t)~rte_raw_cksum(th, l4);
	} else {
		SF_TCHK((ol & RTE_MBUF_F_TX_L4_MASK) == 0,
			"L4 offload 0x%" PRIx64 " on a TCP frame",
			(uint64_t)(ol & RTE_MBUF_F_TX_L4_MASK));
	}
	return ok;
}

bool
sf_test_tcp_parse(const struct rte_mbuf *m, struct sf_test_seg *s,
		const char *file, int line)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ether_hdr *eh = (const struct rte_ether_hdr *)f;
	const struct rte_tcp_hdr *th;
	uint16_t type, off = sizeof(*eh), l4;
	uint32_t len = rte_pktmbuf_data_len(m);
	static uint8_t nic[RTE_MBUF_DEFAULT_DATAROOM];
	bool ok = true;

	memset(s, 0, sizeof(*s));
	SF_TCHK(m->nb_segs == 1 && len >= sizeof(*eh) + 40 &&
		len <= sizeof(nic),
		"frame of %u bytes in %u segments", len, m->nb_segs);
	if (!ok)
		return false;
	if (m->ol_flags & (RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK)) {
		memcpy(nic, f, len);
		if (!sf_test_nic_tx(m, nic, len, file, line))
			return false;
		f = nic;
		eh = (const struct rte_ether_hdr *)f;
	}
	SF_TCHK(rte_is_same_ether_addr(&eh->dst_addr, &sf_test_peer),
		"destination MAC is not the peer's");
	SF_TCHK(rte_is_same_ether_addr(&eh->src_addr, &sf_test_mac),
		"source MAC is not the port's");
	type = rte_be_to_cpu_16(eh->ether_type);
	while (type == RTE_ETHER_TYPE_VLAN || type == RTE_ETHER_TYPE_QINQ) {
		const struct rte_vlan_hdr *vh =
			(const struct rte_vlan_hdr *)(f + off);

		s->vlan_tci[s->nb_vlan++ & 1] = rte_be_to_cpu_16(vh->vlan_tci);
		type = rte_be_to_cpu_16(vh->eth_proto);
		off += sizeof(*vh);
	}
	if (type == RTE_ETHER_TYPE_IPV4) {
		const struct rte_ipv4_hdr *ip =
			(const struct rte_ipv4_hdr *)(f + off);

		SF_TCHK(ip->version_ihl == 0x45, "version_ihl 0x%x",
			ip->version_ihl);
		SF_TCHK(ip->time_to_live == 64, "TTL %u", ip->time_to_live);
		SF_TCHK(rte_be_to_cpu_16(ip->fragment_offset) ==
			RTE_IPV4_HDR_DF_FLAG, "fragment field 0x%x, not DF",
			rte_be_to_cpu_16(ip->fragment_offset));
		SF_TCHK(ip->next_proto_id == IPPROTO_TCP, "proto %u",
			ip->next_proto_id);
		SF_TCHK(sf_test_sum(ip, 20, 0) == 0xffff,
			"bad IPv4 header checksum");
		SF_TCHK(rte_be_to_cpu_16(ip->total_length) == len - off,
			"IPv4 total length %u, frame has %u",
			rte_be_to_cpu_16(ip->total_length), len - off);
		SF_TCHK(memcmp(&ip->src_addr, sf_test_v4, 4) == 0,
			"IPv4 source is not ours");
		memcpy(s->src, &ip->src_addr, 4);
		memcpy(s->dst, &ip->dst_addr, 4);
		th = (const struct rte_tcp_hdr *)(ip + 1);
		l4 = (uint16_t)(len - off - 20);
		SF_TCHK(sf_test_ip4_sum(ip, th, l4, IPPROTO_TCP) == 0xffff,
			"bad TCP checksum (IPv4)");
	} else if (type == RTE_ETHER_TYPE_IPV6) {
		const struct rte_ipv6_hdr *ip6 =
			(const struct rte_ipv6_hdr *)(f + off);

		s->v6 = true;
		SF_TCHK(rte_be_to_cpu_32(ip6->vtc_flow) >> 28 == 6,
			"IPv6 version");
		SF_TCHK(ip6->hop_limits == 64, "hop limit %u",
			ip6->hop_limits);
		SF_TCHK(ip6->proto == IPPROTO_TCP, "next header %u",
			ip6->proto);
		SF_TCHK(rte_be_to_cpu_16(ip6->payload_len) == len - off - 40,
			"IPv6 payload length %u, frame has %u",
			rte_be_to_cpu_16(ip6->payload_len), len - off - 40);
		SF_TCHK(memcmp(ip6->src_addr, sf_test_v6, 16) == 0,
			"IPv6 source is not ours");
		memcpy(s->src, ip6->src_addr, 16);
		memcpy(s->dst, ip6->dst_addr, 16);
		th = (const struct rte_tcp_hdr *)(ip6 + 1);
		l4 = (uint16_t)(len - off - 40);
		SF_TCHK(sf_test_ip6_sum(ip6, th, l4, IPPROTO_TCP) == 0xffff,
			"bad TCP checksum (IPv6)");
	} else {
		SF_TCHK(false, "ethertype 0x%04x", type);
		return false;
	}
	s->sport = rte_be_to_cpu_16(th->src_port);
	s->dport = rte_be_to_cpu_16(th->dst_port);
	s->seq = rte_be_to_cpu_32(th->sent_seq);
	s->ack = rte_be_to_cpu_32(th->recv_ack);
	s->flags = th->tcp_flags;
	s->win = rte_be_to_cpu_16(th->rx_win);
	s->optlen = (uint8_t)((th->data_off >> 4) * 4 - sizeof(*th));
	SF_TCHK(s->optlen <= 40 && sizeof(*th) + s->optlen <= l4,
		"data offset %u", th->data_off >> 4);
	if (!ok)
		return false;
	SF_TCHK(th->tcp_urp == 0, "urgent pointer %u", th->tcp_urp);
	memcpy(s->opt, th + 1, s->optlen);
	s->data_len = (uint16_t)(l4 - sizeof(*th) - s->optlen);
	sf_tcp_opts_parse(s->opt, s->optlen, s->flags & SF_TH_SYN, &s->opts);
	return ok;
}

void
sf_test_client_init(struct sf_test_client *p, bool v6, uint16_t sport,
		uint16_t dport)
{
	memset(p, 0, sizeof(*p));
	sf_test_tcp_init(&p->t, v6, sport, dport);
	p->isn = 1000000u * sport;
	p->tsval = 5000;
}

struct rte_mbuf *
sf_test_syn_frame(struct sf_test_client *p, unsigned int which)
{
	struct sf_test_tcp t = p->t;

	t.seq = p->isn;
	t.flags = RTE_TCP_SYN_FLAG;
	t.optlen = sf_test_tcp_synopts(t.opt, which, 1460, 7, p->tsval, 0);
	p->ts = (which & SF_TOF_TS) != 0;
	return sf_test_tcp_frame(&t);
}

void
sf_test_peer_ack(struct sf_engine *eng, struct sf_test_client *p,
		uint32_t ack, uint16_t win)
{
	struct rte_mbuf *m;
	enum sf_verdict v;

	p->t.win = win;
	m = sf_test_seg_frame(p, RTE_TCP_ACK_FLAG, p->isn + 1, ack, NULL, 0);
	v = sf_test_input(eng, m);
	SF_CHECK_EQ(v, SF_VERDICT_DONE);
	if (v != SF_VERDICT_KEPT)
		rte_pktmbuf_free(m);
}

struct rte_mbuf *
sf_test_chain(unsigned int n, const void *bytes, uint16_t len)
{
	struct rte_mbuf *head = NULL, *m;
	unsigned int i;

	for (i = 0; i < n; i++) {
		m = rte_pktmbuf_alloc(sf_test_pool);
		if (m == NULL || rte_pktmbuf_append(m, len) == NULL ||
		    (head != NULL && rte_pktmbuf_chain(head, m) != 0)) {
			rte_pktmbuf_free(m);
			rte_pktmbuf_free(head);
			return NULL;
		}
		memcpy(rte_pktmbuf_mtod(m, uint8_t *), bytes, len);
		if (head == NULL)
			head = m;
	}
	return head;
}

/* A segment after the SYN: <nop, nop, timestamps> if the SYN had them. */
static void
sf_test_seg_ts(const struct sf_test_client *p, struct sf_test_tcp *t)
{
	if (!p->ts)
		return;
	t->opt[0] = SF_TCPOPT_NOP;
	t->opt[1] = SF_TCPOPT_NOP;
	sf_test_tcp_synopts(t->opt + 2, SF_TOF_TS, 0, 0, p->tsval, p->tsecr);
	t->optlen = 12;
}

struct rte_mbuf *
sf_test_seg_frame(const struct sf_test_client *p, uint8_t flags, uint32_t seq,
		uint32_t ack, const void *data, uint16_t len)
{
	struct sf_test_tcp t = p->t;

	t.seq = seq;
	t.ack = ack;
	t.flags = flags;
	t.data = data;
	t.data_len = len;
	sf_test_seg_ts(p, &t);
	return sf_test_tcp_frame(&t);
}

struct rte_mbuf *
sf_test_sack_frame(const struct sf_test_client *p, uint32_t seq,
		uint32_t ack, const uint32_t (*blk)[2], unsigned int n)
{
	struct sf_test_tcp t = p->t;
	uint8_t *o;
	unsigned int i;

	t.seq = seq;
	t.ack = ack;
	t.flags = RTE_TCP_ACK_FLAG;
	sf_test_seg_ts(p, &t);
	/* What fits: 4 blocks alone, 3 after the timestamps. */
	if (n > (p->ts ? 3u : 4u))
		n = p->ts ? 3u : 4u;
	if (n != 0) {
		o = t.opt + t.optlen;
		o[0] = SF_TCPOPT_NOP;
		o[1] = SF_TCPOPT_NOP;
		o[2] = SF_TCPOPT_SACK;
		o[3] = (uint8_t)(2 + 8 * n);
		for (i = 0; i < n; i++) {
			uint32_t l = rte_cpu_to_be_32(blk[i][0]);
			uint32_t r = rte_cpu_to_be_32(blk[i][1]);

			memcpy(o + 4 + 8 * i, &l, 4);
			memcpy(o + 8 + 8 * i, &r, 4);
		}
		t.optlen = (uint8_t)(t.optlen + 4 + 8 * n);
	}
	return sf_test_tcp_frame(&t);
}

void
sf_test_do_syn(struct sf_engine *eng, struct sf_test_client *p,
		unsigned int which)
{
	struct rte_mbuf *m;
	struct sf_test_seg r;

	m = SF_CHECK_INPUTV(eng, sf_test_syn_frame(p, which), SF_VERDICT_TX,
		SF_CNT_tcp_segments, SF_CNT_tcp_replied, SF_CNT_syn_recv,
		SF_CNT_synack_sent);
	if (m == NULL)
		return;
	if (SF_TEST_TCP_PARSE(m, &r)) {
		SF_CHECK_EQ(r.flags, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
		SF_CHECK_EQ(r.ack, p->isn + 1);
		SF_CHECK_EQ(r.sport, p->t.dport);
		SF_CHECK_EQ(r.dport, p->t.sport);
		p->iss = r.seq;
		if (r.opts.to_flags & SF_TOF_TS)
			p->tsecr = r.opts.to_tsval;
	}
	rte_pktmbuf_free(m);
}

void
sf_test_do_ack(struct sf_engine *eng, const struct sf_test_client *p)
{
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(p, RTE_TCP_ACK_FLAG,
		p->isn + 1, p->iss + 1, NULL, 0), SF_VERDICT_DONE,
		SF_CNT_tcp_segments, SF_CNT_tcp_absorbed,
		SF_CNT_passive_opens, SF_CNT_accepted);
}

void
sf_test_snap(struct sf_engine *eng, struct sf_test_snap *s)
{
	sf_engine_worker_counters(eng, 0, s->v);
}

void
sf_test_check_moved(struct sf_engine *eng, const struct sf_test_snap *s,
		const enum sf_counter *cs, const char *file, int line)
{
	uint64_t after[SF_CNT_MAX], want[SF_CNT_MAX];
	unsigned int i;

	memcpy(want, s->v, sizeof(want));
	for (i = 0; cs[i] != SF_CNT_MAX; i++)
		want[cs[i]]++;
	sf_engine_worker_counters(eng, 0, after);
	for (i = 0; i < SF_CNT_MAX; i++) {
		if (after[i] != want[i] && !sf_test_side_counter(i)) {
			fprintf(stderr, "FAIL %s:%d: counter %s went from %"
				PRIu64 " to %" PRIu64 ", expected %" PRIu64
				"\n", file, line, sf_counter_name(i),
				s->v[i], after[i], want[i]);
			sf_test_failures++;
		}
	}
}

uint32_t
sf_test_ck_make(struct sf_cookie_keys *ck, const struct sf_flow_key *k,
		uint32_t irs, const struct sf_test_ck *o, uint32_t *tsval)
{
	struct sf_tcp_neg ng;

	memset(&ng, 0, sizeof(ng));
	ng.ng_mss = o->mss;
	if (o->wscale != SF_COOKIE_WS_NONE) {
		ng.ng_flags |= SF_CONN_F_WSCALE;
		ng.ng_snd_wscale = o->wscale;
	}
	ng.ng_flags |= (o->sack ? SF_CONN_F_SACK : 0) |
		(o->ecn ? SF_CONN_F_ECN : 0) | (o->ts ? SF_CONN_F_TS : 0);
	return sf_cookie_make(ck, k, irs, &ng, tsval);
}

int
sf_test_ck_check(struct sf_cookie_keys *ck, const struct sf_flow_key *k,
		uint32_t irs, uint32_t iss, bool ts, uint32_t tsecr,
		struct sf_test_ck *out)
{
	struct sf_tcp_neg ng;
	int rc;

	memset(&ng, 0xa5, sizeof(ng));
	rc = sf_cookie_check(ck, k, irs, iss, ts, tsecr, &ng);
	if (rc != 0)
		return rc;
	SF_CHECK_EQ(ng.ng_flags & ~SF_NEG_FLAGS, 0);
	SF_CHECK_EQ(!!(ng.ng_flags & SF_CONN_F_TS), ts);
	if (!(ng.ng_flags & SF_CONN_F_WSCALE))
		SF_CHECK_EQ(ng.ng_snd_wscale, 0);
	SF_CHECK_EQ(ng.ng_rcv_wscale, 0);
	out->mss = ng.ng_mss;
	out->mss_idx = (uint8_t)sf_cookie_mss_index(k->fk_family, ng.ng_mss);
	out->wscale = (ng.ng_flags & SF_CONN_F_WSCALE) ? ng.ng_snd_wscale :
		SF_COOKIE_WS_NONE;
	out->sack = (ng.ng_flags & SF_CONN_F_SACK) != 0;
	out->ecn = (ng.ng_flags & SF_CONN_F_ECN) != 0;
	out->ts = (ng.ng_flags & SF_CONN_F_TS) != 0;
	return 0;
}
