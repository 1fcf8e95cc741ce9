/*
 * keygen.c - wg-keygen, CurveZMQ certificates for the seats of an exercise.
 *
 *   wg-keygen [--dir DIR] NAME...   writes DIR/NAME.key (secret, mode 0600)
 *                                   and DIR/NAME.pub for each NAME, and
 *                                   prints "NAME PUBLIC-KEY" (Z85)
 *   wg-keygen --show FILE...        checks each certificate and prints
 *                                   "FILE PUBLIC-KEY"
 *
 * The files are described in wg/keys.h. One process, no loop, no thread.
 * An existing file is never replaced. Every NAME (or FILE) is tried; the
 * exit code is 0 if all went well, 1 if any failed (each failure says
 * which file and why on stderr), 2 for a wrong command line.
 */
#include "wg/diag.h"
#include "wg/keys.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define EXIT_FAILED 1
#define EXIT_USAGE 2

static const char usage_text[] =
    "usage: wg-keygen [--dir DIR] NAME...\n"
    "       wg-keygen --show FILE...\n"
    "  Writes a CurveZMQ key pair per NAME in the ZeroMQ certificate format\n"
    "  (CZMQ, pyzmq's zmq.auth): DIR/NAME.key, the secret certificate (mode\n"
    "  0600, for the seat's own machine), and DIR/NAME.pub, the public one\n"
    "  (for the director). Prints \"NAME PUBLIC-KEY\". Never replaces a file.\n"
    "  --show checks certificates and prints \"FILE PUBLIC-KEY\".\n";

/* Says once, for every NAME, why DIR cannot take the key files. */
static bool
is_directory(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        if (errno == ENOENT)
            fprintf(stderr,
                    "%s: no such directory (make it first: mkdir -p %s)\n", dir,
                    dir);
        else
            fprintf(stderr, "%s: %s\n", dir, strerror(errno));
        return false;
    }
    if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, "%s: not a directory\n", dir);
        return false;
    }
    return true;
}

static int
make_one(const char *dir, const char *name)
{
    wg_keypair_t kp;
    wg_config_error_t err;
    char z85[WG_KEY_Z85_LEN + 1];
    int rc = wg_keys_generate(&kp);

    if (rc < 0) {
        fprintf(stderr, "wg-keygen: %s: cannot make a key pair: %s\n", name,
                rc == -ENOTSUP ? "libzmq has no CURVE" : strerror(-rc));
        return EXIT_FAILED;
    }
    rc = wg_keys_write(dir, name, &kp, &err);
    wg_keys_to_z85(kp.public_key, z85);
    wg_keys_wipe(&kp);
    if (rc < 0) {
        wg_config_error_print(&err);
        return EXIT_FAILED;
    }
    printf("%s %s\n", name, z85);
    return 0;
}

static int
show_one(const char *path)
{
    uint8_t pub[WG_KEY_LEN];
    wg_config_error_t err;
    char z85[WG_KEY_Z85_LEN + 1];

    if (wg_keys_load_public(path, pub, &err) < 0) {
        wg_config_error_print(&err);
        return EXIT_FAILED;
    }
    wg_keys_to_z85(pub, z85);
    printf("%s %s\n", path, z85);
    return 0;
}

int
main(int argc, char **argv)
{
    static const struct option opts[] = {{"dir", required_argument, 0, 'd'},
                                         {"show", no_argument, 0, 's'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *dir = NULL;
    int show = 0, c, status = 0;

    wg_diag_set_role("wg-keygen");
    wg_diag_init_from_env();
    while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            dir = optarg;
            break;
        case 's':
            show = 1;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return 0;
        default:
            fputs(usage_text, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind == argc || (show && dir != NULL)) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    if (!show && dir != NULL && !is_directory(dir))
        return EXIT_FAILED;
    for (int i = optind; i < argc; i++)
        if ((show ? show_one(argv[i]) : make_one(dir, argv[i])) != 0)
            status = EXIT_FAILED;
    return status;
}
