package io.witness.appliance.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes every signed checkpoint as a file, {@code <tree size, 20 digits>.note}, into a directory an auditor
 * collects (or that is mounted from elsewhere): a later rewrite of the whole database is detectable against them
 * ({@code bin/witness audit verify export.zip --checkpoint <file>}). Written to a temporary file and moved, so a
 * reader never sees half a note.
 */
final class CheckpointDirectory {
  private final Path directory;

  CheckpointDirectory(Path directory) {
    this.directory = directory;
  }

  Path directory() {
    return directory;
  }

  void publish(String note) {
    try {
      Files.createDirectories(directory);
      long size = Long.parseLong(note.split("\n", 3)[1]);
      Path target = directory.resolve(String.format("%020d.note", size));
      Path tmp = directory.resolve(target.getFileName() + ".tmp");
      Files.writeString(tmp, note, StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the checkpoint to " + directory, e);
    }
  }
}
