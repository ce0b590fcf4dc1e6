#ifndef TENANCY_CSPAWN_H
#define TENANCY_CSPAWN_H

#include <spawn.h>

/// posix_spawn_file_actions_addclosefrom_np (glibc 2.34+): the child closes every descriptor from
/// `lowest` up before it runs the program. glibc declares it only under _GNU_SOURCE, which Swift's
/// Glibc module is not built with, so it is reached through this file.
int tenancy_spawn_close_from(posix_spawn_file_actions_t *actions, int lowest);

/// pipe2(fds, O_CLOEXEC): a pipe no other child inherits.
int tenancy_cloexec_pipe(int fds[2]);

#endif
