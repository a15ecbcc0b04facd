// daemon/export_output.hpp — where `export --output PATH` writes: never over the archive, and never
// a half-written file in place of a good one. A regular file (or a new one) is written as
// PATH.tmp in the same directory and renamed over PATH once complete and on disk; a device, pipe
// or terminal (/dev/stdout, /dev/full) is written directly. Threading: main thread.
#pragma once

#include "core/error.hpp"

#include <fstream>
#include <memory>
#include <string>

namespace feedkeeper::daemon {

class ExportOutput {
public:
    // Refuses (Errc::invalid_argument) an output that is the archive at `archive_path` or one of its
    // companions (-wal, -shm, -journal, .lock), by path and by device and inode.
    static Result<std::unique_ptr<ExportOutput>> open(const std::string& output, const std::string& archive_path);
    ~ExportOutput(); // an output not committed leaves its temporary file removed and PATH as it was

    std::ostream& stream() { return m_stream; }
    // Flushes, syncs and renames the temporary file over PATH; a write error (full disk) fails here.
    Result<void> commit();

private:
    ExportOutput() = default;

    std::string m_output;    // what the user named, for messages
    std::string m_target;    // the file that is replaced (PATH, or what its symlink points to)
    std::string m_temporary; // "" when writing directly
    std::ofstream m_stream;
    bool m_committed = false;
};

} // namespace feedkeeper::daemon
