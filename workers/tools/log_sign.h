/*
 * log_sign.h - wg-log's keygen and sign subcommands, and the signature
 * files they write (log_sign.c says the format).
 */
#ifndef WG_LOG_SIGN_H
#define WG_LOG_SIGN_H

#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int wg_log_cmd_keygen(int argc, char **argv);
int wg_log_cmd_sign(int argc, char **argv);

/* A detached signature. */
typedef struct {
    int version;      /* 2: of a format-3 log; 1: of a format-2 log */
    uint8_t link[32]; /* the link it signs */
    uint8_t sig[crypto_sign_BYTES];
    uint8_t genesis[32]; /* v2: link 0 */
    uint64_t n;          /* v2: records */
    uint8_t *digests;    /* v2: each record's SHA-256, n * 32 bytes */
} wg_log_sig_t;

/* Reads the signature at sig_path and checks it is the public key's (and,
 * v2, that its record list leads to the link it signs): 0, or -1 with why
 * ("BAD: ..." when it is no good signature). wg_log_sig_free it either
 * way. */
int wg_log_sig_load(const char *sig_path, const char *pub_path, wg_log_sig_t *s,
                    char *why, size_t n);
void wg_log_sig_free(wg_log_sig_t *s);
/* A format-2 log's last TurnResult's chain link (what a v1 signs). */
bool wg_log_sig_final_link(const char *log, uint8_t link[32], unsigned *turn);

#endif
