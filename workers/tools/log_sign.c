/*
 * log_sign.c - the exercise director's signature over a log's final hash.
 *
 * The hash chain (docs/LOG-FORMAT.md) seals every turn to the one before;
 * signing the last link with the director's Ed25519 key (libsodium's
 * crypto_sign) seals the whole exercise to the director. Keys and
 * signatures are small text files of hex, so they can be mailed and read:
 *
 *   KEY.sign.pub  "wg-ed25519-public <64 hex>"
 *   KEY.sign.key  "wg-ed25519-secret <128 hex>"      (mode 0600)
 *
 * (".sign." keeps them apart from the CurveZMQ certificates NAME.key and
 * NAME.pub that wg-keygen writes for the same seat.)
 *   LOG.sig   "wg-log-signature-v1 <64 hex link> <128 hex signature>"
 *
 * The signature covers the 32 bytes of the final TurnResult's chain link.
 */
#include "log_sign.h"
#include "log_tool.h"

#include "wg/error.h"
#include "wg/log.h"
#include "wg/wire.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool
read_hex_line(const char *path, const char *tag, uint8_t *out, size_t n,
              uint8_t *out2, size_t n2)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return false;
    char line[512], hex1[300] = "", hex2[300] = "", t[64] = "";
    bool ok = fgets(line, sizeof line, f) != NULL;
    fclose(f);
    int got = ok ? sscanf(line, "%63s %299s %299s", t, hex1, hex2) : 0;
    if (got < 2 || strcmp(t, tag) != 0)
        return false;
    size_t len;
    if (sodium_hex2bin(out, n, hex1, strlen(hex1), NULL, &len, NULL) != 0 ||
        len != n)
        return false;
    if (out2 == NULL)
        return true;
    return got == 3 &&
           sodium_hex2bin(out2, n2, hex2, strlen(hex2), NULL, &len, NULL) ==
               0 &&
           len == n2;
}

/* The chain link of the last TurnResult in the log. *stop is 0, or the
 * reader's code (WG_ETORN, WG_ECORRUPT) at *stop_off where it stopped
 * before the end of the file. */
static bool
final_link(const char *path, uint8_t link[32], unsigned *turn, int *stop,
           uint64_t *stop_off)
{
    wg_log_reader_t *r;
    *stop = 0;
    if (wg_log_reader_open(path, &r) < 0)
        return false;
    const uint8_t *rec;
    size_t len;
    uint64_t off = 0;
    bool found = false;
    int rc;
    while ((rc = wg_log_reader_next(r, &rec, &len, &off)) == 1) {
        Wgpb__V1__Envelope *env = wg_wire_unpack(rec, len);
        if (env != NULL &&
            env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_RESULT &&
            env->result->chain.len == 32) {
            memcpy(link, env->result->chain.data, 32);
            *turn = env->turn;
            found = true;
        }
        wg_wire_free(env);
    }
    if (rc < 0) {
        *stop = rc;
        *stop_off = off;
    }
    wg_log_reader_destroy(&r);
    return found;
}

static const char keygen_usage[] =
    "usage: wg-log keygen NAME\n"
    "  Makes an Ed25519 key pair for signing logs: NAME.sign.pub (public)\n"
    "  and NAME.sign.key (secret, mode 0600).\n";

int
wg_log_cmd_keygen(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fputs(keygen_usage,
              argc == 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr);
        return argc == 2 && strcmp(argv[1], "--help") == 0 ? 0 : EXIT_USAGE;
    }
    if (sodium_init() < 0)
        return EXIT_USAGE;
    uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(pk, sk);
    char hex[2 * crypto_sign_SECRETKEYBYTES + 1], path[1024];
    snprintf(path, sizeof path, "%s.sign.key", argv[1]);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    int err = errno;
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (f == NULL) {
        char dir[1024];
        snprintf(dir, sizeof dir, "%s", path);
        if (fd < 0 && err == ENOENT)
            fprintf(stderr,
                    "wg-log keygen: %s: the directory %s does not exist\n",
                    path, dirname(dir));
        else if (fd < 0 && err == EEXIST)
            fprintf(stderr,
                    "wg-log keygen: %s: exists; a key is never "
                    "overwritten\n",
                    path);
        else
            fprintf(stderr, "wg-log keygen: %s: cannot create: %s\n", path,
                    strerror(fd < 0 ? err : errno));
        if (fd >= 0)
            close(fd);
        return EXIT_USAGE;
    }
    fprintf(f, "wg-ed25519-secret %s\n",
            sodium_bin2hex(hex, sizeof hex, sk, sizeof sk));
    fclose(f);
    sodium_memzero(sk, sizeof sk);
    snprintf(path, sizeof path, "%s.sign.pub", argv[1]);
    f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "wg-log keygen: %s: cannot create\n", path);
        return EXIT_USAGE;
    }
    fprintf(f, "wg-ed25519-public %s\n",
            sodium_bin2hex(hex, sizeof hex, pk, sizeof pk));
    fclose(f);
    printf("wrote %s.sign.key and %s.sign.pub\n", argv[1], argv[1]);
    return 0;
}

static const char sign_usage[] =
    "usage: wg-log sign LOG --key NAME.sign.key [-o LOG.sig]\n"
    "  Signs the log's final hash-chain link with the director's key and\n"
    "  writes a detached signature (default LOG.sig). Check it with\n"
    "  wg-log verify LOG --signature LOG.sig --pubkey NAME.sign.pub.\n";

int
wg_log_cmd_sign(int argc, char **argv)
{
    const char *log = NULL, *key = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            fputs(sign_usage, stdout);
            return 0;
        } else if (strcmp(argv[i], "--key") == 0 && i + 1 < argc) {
            key = argv[++i];
        } else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (argv[i][0] != '-' && log == NULL) {
            log = argv[i];
        } else {
            fputs(sign_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (log == NULL || key == NULL) {
        fputs(sign_usage, stderr);
        return EXIT_USAGE;
    }
    if (sodium_init() < 0)
        return EXIT_USAGE;
    uint8_t sk[crypto_sign_SECRETKEYBYTES], link[32];
    unsigned turn = 0;
    if (!read_hex_line(key, "wg-ed25519-secret", sk, sizeof sk, NULL, 0)) {
        fprintf(stderr, "wg-log sign: %s: not a wg secret key\n", key);
        return EXIT_USAGE;
    }
    int stop;
    uint64_t stop_off = 0;
    bool found = final_link(log, link, &turn, &stop, &stop_off);
    if (stop < 0) {
        /* A signature seals what the director saw whole; a damaged log is
         * read with wg-log info and mended (or refused) first. */
        fprintf(stderr,
                "wg-log sign: %s: %s at offset %llu; not signing a damaged "
                "log (see wg-log info)\n",
                log, wg_strerror(stop), (unsigned long long)stop_off);
        sodium_memzero(sk, sizeof sk);
        return EXIT_BAD;
    }
    if (!found) {
        fprintf(stderr, "wg-log sign: %s: no hash chain to sign\n", log);
        sodium_memzero(sk, sizeof sk);
        return EXIT_BAD;
    }
    uint8_t sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, NULL, link, sizeof link, sk);
    sodium_memzero(sk, sizeof sk);
    char path[1024], h1[65], h2[2 * crypto_sign_BYTES + 1];
    if (out == NULL)
        snprintf(path, sizeof path, "%s.sig", log);
    else
        snprintf(path, sizeof path, "%s", out);
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "wg-log sign: %s: cannot create\n", path);
        return EXIT_USAGE;
    }
    fprintf(f, "wg-log-signature-v1 %s %s\n",
            sodium_bin2hex(h1, sizeof h1, link, sizeof link),
            sodium_bin2hex(h2, sizeof h2, sig, sizeof sig));
    fclose(f);
    printf("signed the chain link of turn %u: %s\n", turn, path);
    return 0;
}

bool
wg_log_check_signature(const char *log, const char *sig_path,
                       const char *pub_path)
{
    if (sodium_init() < 0)
        return false;
    uint8_t pk[crypto_sign_PUBLICKEYBYTES], link[32], signed_link[32];
    uint8_t sig[crypto_sign_BYTES];
    unsigned turn = 0;
    if (!read_hex_line(pub_path, "wg-ed25519-public", pk, sizeof pk, NULL, 0)) {
        printf("signature: %s is not a wg public key\n", pub_path);
        return false;
    }
    if (!read_hex_line(sig_path, "wg-log-signature-v1", signed_link,
                       sizeof signed_link, sig, sizeof sig)) {
        printf("signature: %s is not a wg log signature\n", sig_path);
        return false;
    }
    int stop;
    uint64_t stop_off;
    if (!final_link(log, link, &turn, &stop, &stop_off)) {
        printf("signature: the log has no hash chain\n");
        return false;
    }
    if (memcmp(link, signed_link, sizeof link) != 0) {
        printf("signature: BAD: it signs another final hash than turn %u's\n",
               turn);
        return false;
    }
    if (crypto_sign_verify_detached(sig, link, sizeof link, pk) != 0) {
        printf("signature: BAD: not made by the key in %s\n", pub_path);
        return false;
    }
    printf("signature: good, by the key in %s, over turn %u's chain link\n",
           pub_path, turn);
    return true;
}
