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
 * A signature of a format-3 log (docs/LOG-FORMAT.md, "The seal"):
 *
 *   LOG.sig   "wg-log-signature-v2 <64 hex link> <128 hex signature>"
 *             "genesis <64 hex>"              link 0, from the header
 *             "records <N>"
 *             N lines "<64 hex>"              each record's SHA-256
 *
 * signs the final link, after the last record; the list is what lets
 * `wg-log check` name the first record whose bytes are not the signed
 * ones, and it is itself sealed by the signed link (the chain from the
 * genesis over the list must give it). Of a format-2 log:
 *
 *   LOG.sig   "wg-log-signature-v1 <64 hex link> <128 hex signature>"
 *
 * signs the final TurnResult's chain link (format 2's chain).
 */
#include "log_sign.h"
#include "log_tool.h"

#include "wg/error.h"
#include "wg/log.h"
#include "wg/wire.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
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
    "  writes a detached signature (default LOG.sig) with the SHA-256 of\n"
    "  every record. Check it with wg-log check LOG --signature LOG.sig\n"
    "  --pubkey NAME.sign.pub (or verify, with the same options).\n";

/* A format-3 log's seal: the genesis, every record's SHA-256 and the final
 * link into s. *stop as in final_link. false if it has no records. */
static bool
seal_of(const char *path, wg_log_sig_t *s, int *stop, uint64_t *stop_off)
{
    wg_log_reader_t *r;
    *stop = 0;
    if (wg_log_reader_open(path, &r) < 0)
        return false;
    wg_log_chain_genesis(wg_log_reader_header(r), s->genesis);
    memcpy(s->link, s->genesis, 32);
    const uint8_t *rec;
    size_t len;
    uint64_t off = 0, cap = 0;
    int rc;
    while ((rc = wg_log_reader_next(r, &rec, &len, &off)) == 1) {
        if (s->n == cap) {
            cap = cap ? 2 * cap : 1024;
            uint8_t *nd = realloc(s->digests, cap * 32);
            if (nd == NULL)
                abort(); /* out of memory in a tool */
            s->digests = nd;
        }
        uint8_t *d = s->digests + 32 * s->n++;
        crypto_hash_sha256(d, rec, len);
        wg_log_chain_next_digest(s->link, d);
    }
    if (rc < 0) {
        *stop = rc;
        *stop_off = off;
    }
    wg_log_reader_destroy(&r);
    return s->n > 0;
}

/* Writes the signature file: 0, or EXIT_USAGE after saying why. */
static int
write_sig(const char *path, const wg_log_sig_t *s)
{
    char h1[65], h2[2 * crypto_sign_BYTES + 1];
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "wg-log sign: %s: cannot create\n", path);
        return EXIT_USAGE;
    }
    fprintf(f, "wg-log-signature-v%d %s %s\n", s->version,
            sodium_bin2hex(h1, sizeof h1, s->link, sizeof s->link),
            sodium_bin2hex(h2, sizeof h2, s->sig, sizeof s->sig));
    if (s->version == 2) {
        fprintf(f, "genesis %s\nrecords %" PRIu64 "\n",
                sodium_bin2hex(h1, sizeof h1, s->genesis, 32), s->n);
        for (uint64_t i = 0; i < s->n; i++)
            fprintf(f, "%s\n",
                    sodium_bin2hex(h1, sizeof h1, s->digests + 32 * i, 32));
    }
    if (fclose(f) != 0) {
        fprintf(stderr, "wg-log sign: %s: cannot write\n", path);
        return EXIT_USAGE;
    }
    return 0;
}

/* The link to sign into s: the seal of a format-3 log, the final
 * TurnResult's link of a format-2 one. 0, or the exit code after saying
 * why not. */
static int
what_to_sign(const char *log, wg_log_sig_t *s, unsigned *turn)
{
    wg_log_reader_t *r;
    if (wg_log_tool_open(log, &r) < 0)
        return EXIT_USAGE;
    uint32_t version = wg_log_reader_header(r)->version;
    wg_log_reader_destroy(&r);
    s->version = version >= 3 ? 2 : 1;
    int stop = 0;
    uint64_t stop_off = 0;
    bool found = s->version == 2
                     ? seal_of(log, s, &stop, &stop_off)
                     : final_link(log, s->link, turn, &stop, &stop_off);
    if (stop < 0) {
        /* A signature seals what the director saw whole; a damaged log is
         * read with wg-log info and mended (or refused) first. */
        fprintf(stderr,
                "wg-log sign: %s: %s at offset %llu; not signing a damaged "
                "log (see wg-log info)\n",
                log, wg_strerror(stop), (unsigned long long)stop_off);
        return EXIT_BAD;
    }
    if (!found) {
        fprintf(stderr, "wg-log sign: %s: no hash chain to sign\n", log);
        return EXIT_BAD;
    }
    return 0;
}

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
    uint8_t sk[crypto_sign_SECRETKEYBYTES];
    if (!read_hex_line(key, "wg-ed25519-secret", sk, sizeof sk, NULL, 0)) {
        fprintf(stderr, "wg-log sign: %s: not a wg secret key\n", key);
        return EXIT_USAGE;
    }
    wg_log_sig_t s;
    memset(&s, 0, sizeof s);
    unsigned turn = 0;
    int rc = what_to_sign(log, &s, &turn);
    if (rc == 0) {
        crypto_sign_detached(s.sig, NULL, s.link, sizeof s.link, sk);
        char path[1024];
        snprintf(path, sizeof path, "%s%s", out ? out : log, out ? "" : ".sig");
        rc = write_sig(path, &s);
        if (rc == 0 && s.version == 2)
            printf("signed the final link, after all %" PRIu64 " records: %s\n",
                   s.n, path);
        else if (rc == 0)
            printf("signed the chain link of turn %u: %s\n", turn, path);
    }
    sodium_memzero(sk, sizeof sk);
    wg_log_sig_free(&s);
    return rc;
}

/* Reads the record list of a v2 signature file (after its first line). */
static bool
read_list(FILE *f, wg_log_sig_t *s)
{
    char line[160], hex[80];
    size_t len;
    if (fgets(line, sizeof line, f) == NULL ||
        sscanf(line, "genesis %79s", hex) != 1 ||
        sodium_hex2bin(s->genesis, 32, hex, strlen(hex), NULL, &len, NULL) !=
            0 ||
        len != 32)
        return false;
    if (fgets(line, sizeof line, f) == NULL ||
        sscanf(line, "records %" SCNu64, &s->n) != 1 || s->n > (1ull << 32))
        return false;
    s->digests = malloc(s->n ? s->n * 32 : 1);
    if (s->digests == NULL)
        return false;
    for (uint64_t i = 0; i < s->n; i++)
        if (fgets(line, sizeof line, f) == NULL ||
            sscanf(line, "%79s", hex) != 1 ||
            sodium_hex2bin(s->digests + 32 * i, 32, hex, strlen(hex), NULL,
                           &len, NULL) != 0 ||
            len != 32)
            return false;
    return true;
}

int
wg_log_sig_load(const char *sig_path, const char *pub_path, wg_log_sig_t *s,
                char *why, size_t n)
{
    memset(s, 0, sizeof *s);
    if (sodium_init() < 0)
        return -1;
    uint8_t pk[crypto_sign_PUBLICKEYBYTES];
    if (!read_hex_line(pub_path, "wg-ed25519-public", pk, sizeof pk, NULL, 0)) {
        snprintf(why, n, "%s is not a wg public key", pub_path);
        return -1;
    }
    s->version = read_hex_line(sig_path, "wg-log-signature-v2", s->link,
                               sizeof s->link, s->sig, sizeof s->sig)
                     ? 2
                 : read_hex_line(sig_path, "wg-log-signature-v1", s->link,
                                 sizeof s->link, s->sig, sizeof s->sig)
                     ? 1
                     : 0;
    FILE *f = s->version == 2 ? fopen(sig_path, "r") : NULL;
    char first[512];
    bool listed =
        f != NULL && fgets(first, sizeof first, f) != NULL && read_list(f, s);
    if (f != NULL)
        fclose(f);
    if (s->version == 0 || (s->version == 2 && !listed)) {
        snprintf(why, n, "%s is not a wg log signature", sig_path);
        return -1;
    }
    if (crypto_sign_verify_detached(s->sig, s->link, sizeof s->link, pk) != 0) {
        snprintf(why, n, "BAD: not made by the key in %s", pub_path);
        return -1;
    }
    if (s->version == 2) {
        /* The list is sealed by the link the key signed. */
        uint8_t link[32];
        memcpy(link, s->genesis, 32);
        for (uint64_t i = 0; i < s->n; i++)
            wg_log_chain_next_digest(link, s->digests + 32 * i);
        if (memcmp(link, s->link, 32) != 0) {
            snprintf(why, n,
                     "BAD: %s's record list does not lead to the link it "
                     "signs (the file was changed)",
                     sig_path);
            return -1;
        }
    }
    return 0;
}

void
wg_log_sig_free(wg_log_sig_t *s)
{
    free(s->digests);
    memset(s, 0, sizeof *s);
}

bool
wg_log_sig_final_link(const char *log, uint8_t link[32], unsigned *turn)
{
    int stop;
    uint64_t off;
    return final_link(log, link, turn, &stop, &off);
}
