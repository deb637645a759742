/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * app/sf_conf.c, compiled into this test: defaults, every option with
 * good and bad values, the INI file and how the command line overrides
 * it. Errors are checked by their message on stderr, which must name the
 * option (or file, section and key) and the bad value.
 */

#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

#include "sf_conf.h"
#include "sf_test.h"

#define MAX_ARGS 160

static struct sf_conf conf;
static char out_text[8192];  /* what the last parse printed */

/*
 * Read fd (a temporary file standing in for stdout or stderr) into
 * out_text and close it.
 */
static void
slurp(int fd)
{
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	n = read(fd, out_text, sizeof(out_text) - 1);
	out_text[n > 0 ? n : 0] = '\0';
	close(fd);
}

/*
 * sf_conf_parse() on "synfront" followed by the NULL-terminated args,
 * with conf reset to the defaults first unless keep. What it prints on
 * stream (stderr, or stdout for --help) lands in out_text.
 */
static int
run(bool keep, FILE *stream, const char *const *args)
{
	char tmpl[] = "/tmp/sf_test_conf_out_XXXXXX";
	char *argv[MAX_ARGS + 2];
	int argc = 0, ret, fd, saved;

	if (!keep)
		sf_conf_defaults(&conf);
	argv[argc++] = strdup("synfront");
	for (; args[argc - 1] != NULL && argc <= MAX_ARGS; argc++)
		argv[argc] = strdup(args[argc - 1]);
	argv[argc] = NULL;

	fd = mkstemp(tmpl);
	if (fd < 0) {
		perror("mkstemp");
		exit(1);
	}
	unlink(tmpl);
	fflush(stream);
	saved = dup(fileno(stream));
	dup2(fd, fileno(stream));
	ret = sf_conf_parse(&conf, argc, argv);
	fflush(stream);
	dup2(saved, fileno(stream));
	close(saved);
	slurp(fd);
	while (argc > 0)
		free(argv[--argc]);
	return ret;
}

#define ARGS(...) ((const char *const []){ __VA_ARGS__, NULL })
#define PARSE(...) run(false, stderr, ARGS(__VA_ARGS__))

/* Check that out_text contains s. */
#define SF_CHECK_OUT(s) do { \
	if (strstr(out_text, (s)) == NULL) { \
		fprintf(stderr, "FAIL %s:%d: output lacks \"%s\": %s\n", \
			__FILE__, __LINE__, (s), out_text); \
		sf_test_failures++; \
	} \
} while (0)

/*
 * A bad value: -2, and one line naming the option and the bad value, or
 * the part of it that is wrong (shown).
 */
#define SF_CHECK_BAD_PART(opt, val, shown) do { \
	SF_CHECK_EQ(PARSE(opt, val), -SF_EXIT_USAGE); \
	SF_CHECK_OUT(opt); \
	SF_CHECK_OUT("'" shown "'"); \
	SF_CHECK_EQ(count_lines(), 1); \
} while (0)
#define SF_CHECK_BAD(opt, val) SF_CHECK_BAD_PART(opt, val, val)

static unsigned int
count_lines(void)
{
	unsigned int n = 0;
	const char *c;

	for (c = out_text; *c; c++)
		n += *c == '\n';
	return n;
}

static void
test_defaults(void)
{
	unsigned int p;

	sf_conf_defaults(&conf);
	SF_CHECK_EQ(conf.config_file[0], '\0');
	SF_CHECK_EQ(conf.stats_interval, 0);
	SF_CHECK_EQ(conf.stats_file[0], '\0');
	for (p = 0; p < RTE_MAX_ETHPORTS; p++)
		SF_CHECK_EQ(conf.addrs[p].pa_nb, 0);
	SF_CHECK_EQ(conf.nb_listen, 0);
	SF_CHECK_EQ(conf.app, SF_BUILTIN_SINK);
	SF_CHECK_EQ(conf.syncookies, 1);
	SF_CHECK_EQ(conf.backlog, 4096);
	SF_CHECK_EQ(conf.syn_backlog, 1024);
	SF_CHECK_EQ(conf.synack_retries, 5);
	SF_CHECK_EQ(conf.defer_accept, 0);
	SF_CHECK_EQ(conf.abort_on_overflow, 0);
	SF_CHECK_EQ(conf.steering, SF_STEER_AUTO);
	SF_CHECK_EQ(conf.app_lcores[0], '\0');
	SF_CHECK_EQ(conf.tx_drain_us, 0);
	SF_CHECK(strcmp(sf_builtin_name(SF_BUILTIN_NONE), "none") == 0);
	SF_CHECK(strcmp(sf_steering_name(SF_STEER_SW), "sw") == 0);

	/* No options: nothing changes, nothing is printed. */
	SF_CHECK_EQ(run(false, stderr, ARGS(NULL)), 0);
	SF_CHECK_EQ(out_text[0], '\0');
	SF_CHECK_EQ(conf.backlog, 4096);
	SF_CHECK_EQ(conf.nb_listen, 0);
}

static void
test_help_and_unknown(void)
{
	SF_CHECK_EQ(run(false, stdout, ARGS("--help")), 1);
	SF_CHECK_OUT("Usage: synfront");
	SF_CHECK_OUT("--syn-backlog");
	SF_CHECK_EQ(run(false, stdout, ARGS("--app", "rst", "-h")), 1);
	SF_CHECK_OUT("Usage: synfront");
	/* --help wins over a bad value: it is seen in the first pass. */
	SF_CHECK_EQ(run(false, stdout, ARGS("--backlog", "x", "--help")), 1);

	SF_CHECK_EQ(PARSE("--bogus"), -SF_EXIT_USAGE);
	SF_CHECK_OUT("--bogus");
	SF_CHECK_OUT("unknown option");
	SF_CHECK_EQ(PARSE("--app", "rst", "--bogus=1"), -SF_EXIT_USAGE);
	SF_CHECK_OUT("--bogus");
	SF_CHECK_EQ(PARSE("-x"), -SF_EXIT_USAGE);
	SF_CHECK_OUT("-x");
	/* An option missing its value, and a stray argument. */
	SF_CHECK_EQ(PARSE("--app"), -SF_EXIT_USAGE);
	SF_CHECK_OUT("--app");
	SF_CHECK_OUT("needs a value");
	SF_CHECK_EQ(PARSE("--backlog", "5", "extra"), -SF_EXIT_USAGE);
	SF_CHECK_OUT("extra");
	SF_CHECK_OUT("unexpected argument");
	SF_CHECK_EQ(PARSE("--abort-on-overflow=yes"), -SF_EXIT_USAGE);
	SF_CHECK_OUT("--abort-on-overflow");
}

static void
test_numbers(void)
{
	/* Each numeric option at both ends of its range and just past. */
	SF_CHECK_EQ(PARSE("--stats-interval", "86400"), 0);
	SF_CHECK_EQ(conf.stats_interval, 86400);
	SF_CHECK_EQ(PARSE("--stats-interval", "0"), 0);
	SF_CHECK_EQ(conf.stats_interval, 0);
	SF_CHECK_BAD("--stats-interval", "86401");
	SF_CHECK_BAD("--stats-interval", "-1");
	SF_CHECK_BAD("--stats-interval", "5s");
	SF_CHECK_BAD("--stats-interval", "");

	SF_CHECK_EQ(PARSE("--syncookies", "0"), 0);
	SF_CHECK_EQ(conf.syncookies, 0);
	SF_CHECK_EQ(PARSE("--syncookies", "2"), 0);
	SF_CHECK_EQ(conf.syncookies, 2);
	SF_CHECK_BAD("--syncookies", "3");

	SF_CHECK_EQ(PARSE("--backlog", "0"), 0);
	SF_CHECK_EQ(conf.backlog, 0);
	SF_CHECK_EQ(PARSE("--backlog", "65535"), 0);
	SF_CHECK_EQ(conf.backlog, 65535);
	SF_CHECK_BAD("--backlog", "65536");
	SF_CHECK_BAD("--backlog", "99999999999999999999999");

	SF_CHECK_EQ(PARSE("--syn-backlog", "1"), 0);
	SF_CHECK_EQ(conf.syn_backlog, 1);
	SF_CHECK_EQ(PARSE("--syn-backlog", "16777216"), 0);
	SF_CHECK_EQ(conf.syn_backlog, 16777216);
	SF_CHECK_BAD("--syn-backlog", "0");
	SF_CHECK_BAD("--syn-backlog", "16777217");
	SF_CHECK_OUT("1..16777216");

	SF_CHECK_EQ(PARSE("--synack-retries", "0"), 0);
	SF_CHECK_EQ(conf.synack_retries, 0);
	SF_CHECK_EQ(PARSE("--synack-retries", "255"), 0);
	SF_CHECK_EQ(conf.synack_retries, 255);
	SF_CHECK_BAD("--synack-retries", "256");

	SF_CHECK_EQ(PARSE("--defer-accept", "3600"), 0);
	SF_CHECK_EQ(conf.defer_accept, 3600);
	SF_CHECK_BAD("--defer-accept", "3601");

	SF_CHECK_EQ(PARSE("--tx-drain-us", "1"), 0);
	SF_CHECK_EQ(conf.tx_drain_us, 1);
	SF_CHECK_EQ(PARSE("--tx-drain-us", "100000"), 0);
	SF_CHECK_EQ(conf.tx_drain_us, 100000);
	SF_CHECK_BAD("--tx-drain-us", "0");
	SF_CHECK_BAD("--tx-drain-us", "100001");

	/* The last of a repeated option wins. */
	SF_CHECK_EQ(PARSE("--backlog", "10", "--backlog", "20"), 0);
	SF_CHECK_EQ(conf.backlog, 20);
	/* --name=value works like --name value. */
	SF_CHECK_EQ(PARSE("--synack-retries=3"), 0);
	SF_CHECK_EQ(conf.synack_retries, 3);
}

static void
test_names(void)
{
	static const char *const apps[] = { "sink", "rst", "close", "none" };
	static const char *const steer[] = { "auto", "rss", "sw" };
	unsigned int i;

	for (i = 0; i < RTE_DIM(apps); i++) {
		SF_CHECK_EQ(PARSE("--app", apps[i]), 0);
		SF_CHECK_EQ(conf.app, i);
	}
	SF_CHECK_BAD("--app", "drop");
	SF_CHECK_OUT("sink, rst, close, none");
	SF_CHECK_BAD("--app", "SINK");
	for (i = 0; i < RTE_DIM(steer); i++) {
		SF_CHECK_EQ(PARSE("--steering", steer[i]), 0);
		SF_CHECK_EQ(conf.steering, i);
	}
	SF_CHECK_BAD("--steering", "hash");

	SF_CHECK_EQ(PARSE("--abort-on-overflow"), 0);
	SF_CHECK_EQ(conf.abort_on_overflow, 1);

	SF_CHECK_EQ(PARSE("--stats-file", "/tmp/sf stats.json"), 0);
	SF_CHECK(strcmp(conf.stats_file, "/tmp/sf stats.json") == 0);
	SF_CHECK_BAD("--stats-file", "");

	SF_CHECK_EQ(PARSE("--app-lcores", "2"), 0);
	SF_CHECK(strcmp(conf.app_lcores, "2") == 0);
	SF_CHECK_EQ(PARSE("--app-lcores", "0,2-3,5-5"), 0);
	SF_CHECK(strcmp(conf.app_lcores, "0,2-3,5-5") == 0);
	SF_CHECK_BAD("--app-lcores", "3-2");
	SF_CHECK_BAD("--app-lcores", "a");
	SF_CHECK_BAD("--app-lcores", "1,,2");
	SF_CHECK_BAD("--app-lcores", "2,");
	SF_CHECK_BAD("--app-lcores", "-1");
	SF_CHECK_BAD("--app-lcores", "1-");
	SF_CHECK_BAD("--app-lcores", "1;2");
	SF_CHECK_BAD("--app-lcores", "");
	{
		char v[16];

		snprintf(v, sizeof(v), "%d", RTE_MAX_LCORE);
		SF_CHECK_EQ(PARSE("--app-lcores", v), -SF_EXIT_USAGE);
		SF_CHECK_OUT("--app-lcores");
		snprintf(v, sizeof(v), "%d", RTE_MAX_LCORE - 1);
		SF_CHECK_EQ(PARSE("--app-lcores", v), 0);
	}
}

static void
check_v4(const struct sf_addr *a, const char *addr, unsigned int plen)
{
	uint32_t v4;

	inet_pton(AF_INET, addr, &v4);
	SF_CHECK_EQ(a->family, AF_INET);
	SF_CHECK_EQ(a->prefix_len, plen);
	SF_CHECK_EQ(a->v4, v4);
}

static void
check_v6(const struct sf_addr *a, const char *addr, unsigned int plen)
{
	uint8_t v6[16];

	inet_pton(AF_INET6, addr, v6);
	SF_CHECK_EQ(a->family, AF_INET6);
	SF_CHECK_EQ(a->prefix_len, plen);
	SF_CHECK_MEM(a->v6, v6, 16);
}

static void
test_addr(void)
{
	const char *args[2 * SF_MAX_ADDRS_PER_PORT + 3];
	char bufs[SF_MAX_ADDRS_PER_PORT + 1][32];
	unsigned int i;

	SF_CHECK_EQ(PARSE("--addr", "10.10.0.1/24", "--addr",
		"fd00:10:10::1/64", "--addr", "192.0.2.1"), 0);
	SF_CHECK_EQ(conf.addrs[0].pa_nb, 3);
	check_v4(&conf.addrs[0].pa_addr[0], "10.10.0.1", 24);
	check_v6(&conf.addrs[0].pa_addr[1], "fd00:10:10::1", 64);
	check_v4(&conf.addrs[0].pa_addr[2], "192.0.2.1", 32);
	SF_CHECK_EQ(conf.addrs[1].pa_nb, 0);

	SF_CHECK_BAD("--addr", "10.0.0.1/33");
	SF_CHECK_OUT("invalid prefix");
	SF_CHECK_BAD("--addr", "fd00::1/129");
	SF_CHECK_BAD("--addr", "nope");
	SF_CHECK_OUT("invalid address");
	SF_CHECK_BAD("--addr", "10.0.0.256/8");
	/* The same address twice, even with another prefix. */
	SF_CHECK_EQ(PARSE("--addr", "10.10.0.1/24", "--addr", "10.10.0.1/16"),
		-SF_EXIT_USAGE);
	SF_CHECK_OUT("'10.10.0.1/16' given twice");
	SF_CHECK_EQ(PARSE("--addr", "fd00::1", "--addr", "fd00::1/64"),
		-SF_EXIT_USAGE);
	SF_CHECK_OUT("given twice");
	/* 10.0.0.1 and ::a00:1 share their first four bytes only. */
	SF_CHECK_EQ(PARSE("--addr", "10.0.0.1", "--addr", "::a00:1"), 0);
	SF_CHECK_EQ(conf.addrs[0].pa_nb, 2);

	/* SF_MAX_ADDRS_PER_PORT, then one more. */
	for (i = 0; i <= SF_MAX_ADDRS_PER_PORT; i++) {
		snprintf(bufs[i], sizeof(bufs[i]), "10.0.%u.1/24", i);
		args[2 * i] = "--addr";
		args[2 * i + 1] = bufs[i];
	}
	args[2 * SF_MAX_ADDRS_PER_PORT] = NULL;
	SF_CHECK_EQ(run(false, stderr, args), 0);
	SF_CHECK_EQ(conf.addrs[0].pa_nb, SF_MAX_ADDRS_PER_PORT);
	args[2 * SF_MAX_ADDRS_PER_PORT] = "--addr";
	args[2 * SF_MAX_ADDRS_PER_PORT + 2] = NULL;
	SF_CHECK_EQ(run(false, stderr, args), -SF_EXIT_USAGE);
	SF_CHECK_OUT("too many addresses");
	SF_CHECK_OUT("10.0.16.1/24");
}

static void
test_listen(void)
{
	const char *args[2 * SF_MAX_LISTENERS + 3];
	char bufs[SF_MAX_LISTENERS + 1][8];
	unsigned int i;

	SF_CHECK_EQ(PARSE("--listen", "80", "--listen", "10.0.0.1:8080",
		"--listen", "[fd00::1]:443", "--listen", "65535"), 0);
	SF_CHECK_EQ(conf.nb_listen, 4);
	SF_CHECK_EQ(conf.listen[0].ls_addr.family, 0);
	SF_CHECK_EQ(conf.listen[0].ls_port, 80);
	check_v4(&conf.listen[1].ls_addr, "10.0.0.1", 32);
	SF_CHECK_EQ(conf.listen[1].ls_port, 8080);
	check_v6(&conf.listen[2].ls_addr, "fd00::1", 128);
	SF_CHECK_EQ(conf.listen[2].ls_port, 443);
	SF_CHECK_EQ(conf.listen[3].ls_port, 65535);

	SF_CHECK_BAD("--listen", "0");
	SF_CHECK_BAD("--listen", "70000");
	SF_CHECK_BAD("--listen", "[fd00::1]80");
	SF_CHECK_BAD("--listen", "x:80");
	SF_CHECK_BAD("--listen", "http");
	/* A bad port is named on its own. */
	SF_CHECK_BAD_PART("--listen", "10.0.0.1:", "");
	SF_CHECK_BAD_PART("--listen", "10.0.0.1:0", "0");
	SF_CHECK_BAD_PART("--listen", "[fd00::1]:99999", "99999");
	SF_CHECK_BAD("--listen", "[fd00::1");
	/* v6 without brackets, v4 in them, prefixes. */
	SF_CHECK_BAD("--listen", "fd00::1:80");
	SF_CHECK_BAD("--listen", "[10.0.0.1]:80");
	SF_CHECK_BAD("--listen", "10.0.0.0/8:80");
	SF_CHECK_BAD("--listen", "[fd00::/64]:80");

	for (i = 0; i <= SF_MAX_LISTENERS; i++) {
		snprintf(bufs[i], sizeof(bufs[i]), "%u", 1000 + i);
		args[2 * i] = "--listen";
		args[2 * i + 1] = bufs[i];
	}
	args[2 * SF_MAX_LISTENERS] = NULL;
	SF_CHECK_EQ(run(false, stderr, args), 0);
	SF_CHECK_EQ(conf.nb_listen, SF_MAX_LISTENERS);
	SF_CHECK_EQ(conf.listen[SF_MAX_LISTENERS - 1].ls_port,
		1000 + SF_MAX_LISTENERS - 1);
	args[2 * SF_MAX_LISTENERS] = "--listen";
	args[2 * SF_MAX_LISTENERS + 2] = NULL;
	SF_CHECK_EQ(run(false, stderr, args), -SF_EXIT_USAGE);
	SF_CHECK_OUT("too many listeners");
}

/* Write text to a new temporary file; its name goes to path. */
static void
write_ini(char *path, const char *text)
{
	int fd;

	strcpy(path, "/tmp/sf_test_conf_XXXXXX.ini");
	fd = mkstemps(path, 4);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		perror("config file");
		exit(1);
	}
	close(fd);
}

static void
test_ini(void)
{
	char path[64];

	write_ini(path,
		"; comment\n"
		"[synfront]\n"
		"stats_interval = 10\n"
		"listen = 80\n"
		"listen = [fd00::1]:8080\n"
		"app = rst\n"
		"syn_backlog = 256\n"
		"abort_on_overflow = on\n"
		"steering = sw\n"
		"app_lcores = 1-2\n"
		"addr = 192.0.2.1/24\n"
		"\n"
		"[port0]\n"
		"addr = 10.10.0.1/24\n"
		"addr = fd00:10:10::1/64\n"
		"[port1]\n"
		"addr = 10.20.0.1/16\n");

	SF_CHECK_EQ(PARSE("-c", path), 0);
	SF_CHECK(strcmp(conf.config_file, path) == 0);
	SF_CHECK_EQ(conf.stats_interval, 10);
	SF_CHECK_EQ(conf.nb_listen, 2);
	SF_CHECK_EQ(conf.listen[0].ls_port, 80);
	check_v6(&conf.listen[1].ls_addr, "fd00::1", 128);
	SF_CHECK_EQ(conf.listen[1].ls_port, 8080);
	SF_CHECK_EQ(conf.app, SF_BUILTIN_RST);
	SF_CHECK_EQ(conf.syn_backlog, 256);
	SF_CHECK_EQ(conf.abort_on_overflow, 1);
	SF_CHECK_EQ(conf.steering, SF_STEER_SW);
	SF_CHECK(strcmp(conf.app_lcores, "1-2") == 0);
	/* [synfront] addr is port 0's, like --addr; sections in order. */
	SF_CHECK_EQ(conf.addrs[0].pa_nb, 3);
	check_v4(&conf.addrs[0].pa_addr[0], "192.0.2.1", 24);
	check_v4(&conf.addrs[0].pa_addr[1], "10.10.0.1", 24);
	check_v6(&conf.addrs[0].pa_addr[2], "fd00:10:10::1", 64);
	SF_CHECK_EQ(conf.addrs[1].pa_nb, 1);
	check_v4(&conf.addrs[1].pa_addr[0], "10.20.0.1", 16);
	/* What the file does not set keeps its default. */
	SF_CHECK_EQ(conf.backlog, 4096);

	/*
	 * The command line overrides the file, wherever -c stands; --addr
	 * and --listen replace port 0's addresses and the listeners.
	 */
	SF_CHECK_EQ(PARSE("--app", "close", "--addr", "10.99.0.1/24",
		"--listen", "443", "--config", path, "--syn-backlog", "512"), 0);
	SF_CHECK_EQ(conf.app, SF_BUILTIN_CLOSE);
	SF_CHECK_EQ(conf.syn_backlog, 512);
	SF_CHECK_EQ(conf.stats_interval, 10);
	SF_CHECK_EQ(conf.addrs[0].pa_nb, 1);
	check_v4(&conf.addrs[0].pa_addr[0], "10.99.0.1", 24);
	SF_CHECK_EQ(conf.addrs[1].pa_nb, 1);
	SF_CHECK_EQ(conf.nb_listen, 1);
	SF_CHECK_EQ(conf.listen[0].ls_port, 443);
	SF_CHECK_EQ(conf.listen[0].ls_addr.family, 0);
	/* ... and an address in both is not "given twice". */
	SF_CHECK_EQ(PARSE("-c", path, "--addr", "10.10.0.1/24"), 0);
	SF_CHECK_EQ(conf.addrs[0].pa_nb, 1);
	unlink(path);

	/* A bad value in the file: file, section and key in the message. */
	write_ini(path, "[synfront]\nsyn_backlog = 0\n");
	SF_CHECK_EQ(PARSE("-c", path), -SF_EXIT_USAGE);
	SF_CHECK_OUT(path);
	SF_CHECK_OUT("[synfront] syn_backlog");
	SF_CHECK_OUT("'0'");
	SF_CHECK_EQ(count_lines(), 1);
	/* The command line cannot rescue a bad file: it is read first. */
	SF_CHECK_EQ(PARSE("-c", path, "--syn-backlog", "5"), -SF_EXIT_USAGE);
	unlink(path);
	write_ini(path, "[synfront]\nabort_on_overflow = maybe\n");
	SF_CHECK_EQ(PARSE("-c", path), -SF_EXIT_USAGE);
	SF_CHECK_OUT("abort_on_overflow");
	SF_CHECK_OUT("'maybe'");
	unlink(path);
	write_ini(path, "[synfront]\nabort_on_overflow = no\n");
	SF_CHECK_EQ(PARSE("-c", path), 0);
	SF_CHECK_EQ(conf.abort_on_overflow, 0);
	unlink(path);
	write_ini(path, "[port0]\naddr = 10.10.0.1/40\n");
	SF_CHECK_EQ(PARSE("-c", path), -SF_EXIT_USAGE);
	SF_CHECK_OUT("[port0] addr");
	SF_CHECK_OUT("'10.10.0.1/40'");
	unlink(path);

	/* Unknown keys and sections. */
	write_ini(path, "[synfront]\nbacklog = 5\nbogus = 1\n");
	SF_CHECK_EQ(PARSE("-c", path), -SF_EXIT_USAGE);
	SF_CHECK_OUT("unknown key 'bogus'");
	SF_CHECK_OUT(path);
	unlink(path);
	/* Option spellings are not INI keys. */
	write_ini(path, "[synfront]\nsyn-backlog = 5\n");
	SF_CHECK_EQ(PARSE("-c", path), -SF_EXIT_USAGE);
	SF_CHECK_OUT("unknown key 'syn-backlog'");
	unlink(path);
	write_ini(path, "[port0]\nmac = 02:00:00:00:00:01\n");
	SF_CHECK_EQ(PARSE("-c", path), -SF_EXIT_USAGE);
	SF_CHECK_OUT("unknown key 'mac'");
	SF_CHECK_OUT("[port0]");
	unlink(path);
	write_ini(path, "[synfront]\napp = rst\n[tcp]\nmss = 1460\n");
	SF_CHECK_EQ(PARSE("-c", path), -SF_EXIT_USAGE);
	SF_CHECK_OUT("[tcp]");
	SF_CHECK_OUT("unknown section");
	unlink(path);
	write_ini(path, "[port]\naddr = 10.0.0.1\n");
	SF_CHECK_EQ(PARSE("-c", path), -SF_EXIT_USAGE);
	SF_CHECK_OUT("[port]");
	unlink(path);
	write_ini(path, "[portx]\naddr = 10.0.0.1\n");
	SF_CHECK_EQ(PARSE("-c", path), -SF_EXIT_USAGE);
	SF_CHECK_OUT("[portx]");
	SF_CHECK_OUT("invalid section");
	unlink(path);
	{
		char text[64];

		snprintf(text, sizeof(text), "[port%d]\naddr = 10.0.0.1\n",
			RTE_MAX_ETHPORTS);
		write_ini(path, text);
		SF_CHECK_EQ(PARSE("-c", path), -SF_EXIT_USAGE);
		SF_CHECK_OUT("invalid section");
		unlink(path);
		snprintf(text, sizeof(text), "[port%d]\naddr = 10.0.0.1\n",
			RTE_MAX_ETHPORTS - 1);
		write_ini(path, text);
		SF_CHECK_EQ(PARSE("-c", path), 0);
		SF_CHECK_EQ(conf.addrs[RTE_MAX_ETHPORTS - 1].pa_nb, 1);
		unlink(path);
	}

	/* A file that is not there (path was just removed). */
	SF_CHECK_EQ(PARSE("-c", path), -SF_EXIT_USAGE);
	SF_CHECK_OUT(path);
	SF_CHECK_OUT("cannot read the config file");
	SF_CHECK_EQ(PARSE("-c"), -SF_EXIT_USAGE);
	SF_CHECK_OUT("needs a value");
	/* An empty file is a valid, empty configuration. */
	write_ini(path, "");
	SF_CHECK_EQ(PARSE("-c", path), 0);
	SF_CHECK_EQ(conf.backlog, 4096);
	unlink(path);
}

static void
test_tcp_settings(void)
{
	/* Listener defaults beyond the SPEC's list, Linux's values. */
	SF_CHECK_EQ(PARSE("--listen", "80"), 0);
	SF_CHECK_EQ(conf.mss, 0);
	SF_CHECK_EQ(conf.window, 65535);
	SF_CHECK_EQ(conf.wscale, 7);
	SF_CHECK(conf.timestamps && conf.sack && conf.ecn);
	SF_CHECK_EQ(conf.somaxconn, 4096);
	SF_CHECK_EQ(conf.no_listener_drop, 0);
	SF_CHECK_EQ(conf.time_wait_ms, 60000);
	SF_CHECK_EQ(conf.max_requests, 16384);
	SF_CHECK_EQ(conf.max_conns, 65536);
	SF_CHECK_EQ(conf.max_time_wait, 0);
	/* A --listen listener takes the defaults. */
	SF_CHECK_EQ(conf.listen[0].ls_s.backlog, 4096);
	SF_CHECK_EQ(conf.listen[0].ls_s.window, 65535);

	SF_CHECK_EQ(PARSE("--mss", "0"), 0);
	SF_CHECK_EQ(PARSE("--mss", "88"), 0);
	SF_CHECK_EQ(conf.mss, 88);
	SF_CHECK_EQ(PARSE("--mss", "65495"), 0);
	SF_CHECK_BAD("--mss", "87");
	SF_CHECK_OUT("TCP_MIN_MSS");
	SF_CHECK_BAD("--mss", "65496");
	SF_CHECK_BAD("--window", "0");
	SF_CHECK_BAD("--window", "65536");
	SF_CHECK_EQ(PARSE("--window", "1"), 0);
	SF_CHECK_EQ(conf.window, 1);
	SF_CHECK_EQ(PARSE("--wscale", "14"), 0);
	SF_CHECK_EQ(conf.wscale, 14);
	SF_CHECK_BAD("--wscale", "15");
	SF_CHECK_EQ(PARSE("--timestamps", "no", "--sack", "off", "--ecn",
		"0"), 0);
	SF_CHECK(!conf.timestamps && !conf.sack && !conf.ecn);
	SF_CHECK_BAD("--sack", "maybe");
	SF_CHECK_EQ(PARSE("--somaxconn", "128"), 0);
	SF_CHECK_EQ(conf.somaxconn, 128);
	SF_CHECK_BAD("--somaxconn", "65536");
	SF_CHECK_EQ(PARSE("--no-listener", "drop"), 0);
	SF_CHECK_EQ(conf.no_listener_drop, 1);
	SF_CHECK_EQ(PARSE("--no-listener", "rst"), 0);
	SF_CHECK_EQ(conf.no_listener_drop, 0);
	SF_CHECK_BAD("--no-listener", "silent");
	SF_CHECK_OUT("rst, drop");
	SF_CHECK_BAD("--time-wait-ms", "9");
	SF_CHECK_EQ(PARSE("--time-wait-ms", "600000"), 0);
	SF_CHECK_EQ(conf.time_wait_ms, 600000);
	SF_CHECK_BAD("--max-requests", "7");
	SF_CHECK_EQ(PARSE("--max-conns", "16777216"), 0);
	SF_CHECK_BAD("--max-conns", "16777217");
	SF_CHECK_EQ(PARSE("--max-time-wait", "100"), 0);
	SF_CHECK_EQ(conf.max_time_wait, 100);
	SF_CHECK_BAD("--max-time-wait", "16777217");
	SF_CHECK_OUT("--max-time-wait: invalid value '16777217': expected an integer 0..16777216");

	/* ICMP errors: on, with Linux's limits, unless told otherwise. */
	SF_CHECK_EQ(PARSE("--listen", "80"), 0);
	SF_CHECK(conf.icmp_errors);
	SF_CHECK(conf.announce);
	SF_CHECK_EQ(conf.icmp_ratelimit, 1000);
	SF_CHECK_EQ(conf.icmp_msgs_per_sec, 1000);
	SF_CHECK_EQ(conf.icmp_msgs_burst, 50);
	SF_CHECK_EQ(PARSE("--icmp-errors", "no", "--icmp-ratelimit", "0",
		"--icmp-msgs-per-sec", "0", "--icmp-msgs-burst", "1"), 0);
	SF_CHECK(!conf.icmp_errors);
	SF_CHECK_EQ(conf.icmp_ratelimit, 0);
	SF_CHECK_EQ(conf.icmp_msgs_per_sec, 0);
	SF_CHECK_EQ(conf.icmp_msgs_burst, 1);
	SF_CHECK_BAD("--icmp-errors", "sometimes");
	SF_CHECK_EQ(PARSE("--announce", "no"), 0);
	SF_CHECK(!conf.announce);
	SF_CHECK_BAD("--announce", "maybe");
	SF_CHECK_BAD("--icmp-ratelimit", "3600001");
	SF_CHECK_OUT("3600001");
	SF_CHECK_BAD("--icmp-msgs-burst", "0");
	SF_CHECK_OUT("errors at once");

	/* The cookie secret: 32 hex digits; an error never repeats it. */
	SF_CHECK_EQ(PARSE("--cookie-secret",
		"000102030405060708090a0B0C0D0E0F"), 0);
	SF_CHECK(conf.cookie_secret_set);
	SF_CHECK_EQ(conf.cookie_secret[0], 0x00);
	SF_CHECK_EQ(conf.cookie_secret[11], 0x0b);
	SF_CHECK_EQ(conf.cookie_secret[15], 0x0f);
	SF_CHECK_EQ(PARSE("--app", "sink"), 0);
	SF_CHECK(!conf.cookie_secret_set);
	{
		static const char *const bad[] = {
			"000102030405060708090a0b0c0d0e0",    /* 31 digits */
			"000102030405060708090a0b0c0d0e0f0",  /* 33 */
			"000102030405060708090a0b0c0d0eXY",   /* not hex */
			"",
		};
		unsigned int i;

		for (i = 0; i < RTE_DIM(bad); i++) {
			SF_CHECK_EQ(PARSE("--cookie-secret", bad[i]),
				-SF_EXIT_USAGE);
			SF_CHECK_OUT("--cookie-secret");
			SF_CHECK_OUT("32 hex digits");
			SF_CHECK_EQ(count_lines(), 1);
			if (bad[i][0] != '\0')
				SF_CHECK(strstr(out_text, bad[i]) == NULL);
		}
	}
}

static void
test_listener_sections(void)
{
	char path[64];

	write_ini(path,
		"[synfront]\n"
		"backlog = 100\n"
		"listen = 8080\n"
		"[listener web]\n"
		"app = rst\n"
		"listen = 10.10.0.1:80\n"
		"backlog = 5\n"
		"timestamps = no\n"
		"[listener v6]\n"
		"listen = [fd00:10:10::1]:443\n"
		"mss = 1200\n");
	SF_CHECK_EQ(PARSE("-c", path), 0);
	SF_CHECK_EQ(conf.nb_listen, 3);
	/* [synfront] listen: the defaults of the file. */
	SF_CHECK_EQ(conf.listen[0].ls_port, 8080);
	SF_CHECK_EQ(conf.listen[0].ls_s.backlog, 100);
	SF_CHECK_EQ(conf.listen[0].ls_s.app, SF_BUILTIN_SINK);
	/* Its own section overrides, wherever listen stands in it. */
	SF_CHECK(strcmp(conf.listen[1].ls_name, "web") == 0);
	SF_CHECK_EQ(conf.listen[1].ls_port, 80);
	check_v4(&conf.listen[1].ls_addr, "10.10.0.1", 32);
	SF_CHECK_EQ(conf.listen[1].ls_s.app, SF_BUILTIN_RST);
	SF_CHECK_EQ(conf.listen[1].ls_s.backlog, 5);
	SF_CHECK_EQ(conf.listen[1].ls_s.timestamps, 0);
	SF_CHECK_EQ(conf.listen[1].ls_s.mss, 0);
	SF_CHECK_EQ(conf.listen[2].ls_s.mss, 1200);
	SF_CHECK_EQ(conf.listen[2].ls_s.backlog, 100);
	SF_CHECK_EQ(conf.listen[2].ls_s.timestamps, 1);

	/* The command line sets defaults; a section still wins for its own. */
	SF_CHECK_EQ(PARSE("-c", path, "--backlog", "7", "--app", "close"), 0);
	SF_CHECK_EQ(conf.listen[0].ls_s.backlog, 7);
	SF_CHECK_EQ(conf.listen[0].ls_s.app, SF_BUILTIN_CLOSE);
	SF_CHECK_EQ(conf.listen[1].ls_s.backlog, 5);
	SF_CHECK_EQ(conf.listen[1].ls_s.app, SF_BUILTIN_RST);
	SF_CHECK_EQ(conf.listen[2].ls_s.backlog, 7);
	/* --listen replaces every listener of the file. */
	SF_CHECK_EQ(PARSE("-c", path, "--listen", "9"), 0);
	SF_CHECK_EQ(conf.nb_listen, 1);
	SF_CHECK_EQ(conf.listen[0].ls_port, 9);
	SF_CHECK_EQ(conf.listen[0].ls_s.backlog, 100);
	unlink(path);

	write_ini(path, "[listener x]\napp = sink\n");
	SF_CHECK_EQ(PARSE("-c", path), -SF_EXIT_USAGE);
	SF_CHECK_OUT("[listener x]");
	SF_CHECK_OUT("no 'listen");
	unlink(path);
	write_ini(path, "[listener x]\nlisten = 80\nlisten = 81\n");
	SF_CHECK_EQ(PARSE("-c", path), -SF_EXIT_USAGE);
	SF_CHECK_OUT("one 'listen'");
	unlink(path);
	write_ini(path, "[listener x]\nlisten = 80\nstats_interval = 3\n");
	SF_CHECK_EQ(PARSE("-c", path), -SF_EXIT_USAGE);
	SF_CHECK_OUT("[listener x] stats_interval");
	SF_CHECK_OUT("not a listener setting");
	unlink(path);
	write_ini(path, "[listener x]\nlisten = 80\nwscale = 15\n");
	SF_CHECK_EQ(PARSE("-c", path), -SF_EXIT_USAGE);
	SF_CHECK_OUT("[listener x] wscale");
	SF_CHECK_OUT("'15'");
	unlink(path);
	write_ini(path, "[listener x]\nlisten = 0\n");
	SF_CHECK_EQ(PARSE("-c", path), -SF_EXIT_USAGE);
	SF_CHECK_OUT("[listener x] listen");
	unlink(path);
	write_ini(path, "[listenerx]\nlisten = 80\n");
	SF_CHECK_EQ(PARSE("-c", path), -SF_EXIT_USAGE);
	SF_CHECK_OUT("unknown section");
	unlink(path);
}

int
main(int argc, char **argv)
{
	sf_test_init(argc, argv);
	test_defaults();
	test_help_and_unknown();
	test_numbers();
	test_names();
	test_addr();
	test_listen();
	test_ini();
	test_tcp_settings();
	test_listener_sections();
	return sf_test_done("test_conf");
}
