// daemon/export_output.cpp — the export's output file: archive files refused, written to a
// temporary file and renamed. Threading: main thread.
#include "daemon/export_output.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace feedkeeper::daemon {
namespace {

namespace fs = std::filesystem;

std::string normal_path(const std::string& path)
{
    std::error_code ec;
    fs::path normal = fs::weakly_canonical(fs::absolute(path, ec), ec);
    return ec ? fs::absolute(path).lexically_normal().string() : normal.string();
}

bool same_file(const std::string& a, const std::string& b)
{
    if (normal_path(a) == normal_path(b))
        return true;
    struct stat first {}, second {};
    return ::stat(a.c_str(), &first) == 0 && ::stat(b.c_str(), &second) == 0 && first.st_dev == second.st_dev && first.st_ino == second.st_ino;
}

// The archive and every file SQLite or feedkeeper keeps beside it.
Result<void> refuse_archive_files(const std::string& output, const std::string& path_to_check, const std::string& archive_path)
{
    for (const char* suffix : { "", "-wal", "-shm", "-journal", ".lock" }) {
        const std::string file = archive_path + suffix;
        if (same_file(path_to_check, file))
            return Error(Errc::invalid_argument, fmt::format("refusing to export into {}: it is {} (choose another --output)", output,
                *suffix ? fmt::format("the archive's {} file", suffix) : std::string("the archive itself")));
    }
    return {};
}

} // namespace

Result<std::unique_ptr<ExportOutput>> ExportOutput::open(const std::string& output, const std::string& archive_path)
{
    std::unique_ptr<ExportOutput> out(new ExportOutput());
    out->m_output = output;
    if (auto refused = refuse_archive_files(output, output, archive_path); !refused)
        return refused.error();
    struct stat status {};
    const bool exists = ::stat(output.c_str(), &status) == 0;
    if (exists && S_ISDIR(status.st_mode))
        return Error(Errc::invalid_argument, fmt::format("{} is a directory; --output takes a file", output));
    if (exists && !S_ISREG(status.st_mode)) { // a device, a pipe, a terminal: nothing to replace
        out->m_target = output;
        out->m_stream.open(output, std::ios::binary | std::ios::trunc);
        if (!out->m_stream)
            return Error(Errc::invalid_argument, fmt::format("cannot write {}: {}", output, std::strerror(errno)));
        return out;
    }
    // A symlink to a file: the file it points to is replaced, the link stays.
    out->m_target = exists ? normal_path(output) : output;
    out->m_temporary = out->m_target + ".tmp";
    if (auto refused = refuse_archive_files(output, out->m_temporary, archive_path); !refused)
        return refused.error();
    struct stat temporary {};
    if (::lstat(out->m_temporary.c_str(), &temporary) == 0 && !S_ISREG(temporary.st_mode))
        return Error(Errc::invalid_argument, fmt::format("cannot write {}: {} exists and is not a regular file", output, out->m_temporary));
    out->m_stream.open(out->m_temporary, std::ios::binary | std::ios::trunc);
    if (!out->m_stream) {
        const int error = errno;
        out->m_temporary.clear();
        return Error(Errc::invalid_argument, fmt::format("cannot write {}: {}", output, std::strerror(error)));
    }
    if (exists)
        ::chmod(out->m_temporary.c_str(), status.st_mode & 07777); // the replaced file's permissions stay
    return out;
}

ExportOutput::~ExportOutput()
{
    if (m_committed || m_temporary.empty())
        return;
    m_stream.close();
    ::unlink(m_temporary.c_str());
}

Result<void> ExportOutput::commit()
{
    m_stream.flush();
    const bool written = static_cast<bool>(m_stream);
    m_stream.close();
    if (!written || m_stream.fail())
        return Error(Errc::io, fmt::format("write error while exporting to {} (disk full?); {}", m_output,
            m_temporary.empty() ? std::string("the output is incomplete") : std::string("the previous file, if any, is unchanged")));
    if (m_temporary.empty()) {
        m_committed = true;
        return {};
    }
    // On disk before it replaces the old file: a crash leaves the old file or the new one.
    const int fd = ::open(m_temporary.c_str(), O_RDONLY | O_CLOEXEC);
    const bool synced = fd >= 0 && ::fsync(fd) == 0;
    if (fd >= 0)
        ::close(fd);
    if (!synced)
        return Error(Errc::io, fmt::format("cannot write {} to disk: {}; the previous file, if any, is unchanged", m_output, std::strerror(errno)));
    if (::rename(m_temporary.c_str(), m_target.c_str()) != 0)
        return Error(Errc::io, fmt::format("cannot rename {} to {}: {}", m_temporary, m_target, std::strerror(errno)));
    m_committed = true;
    return {};
}

} // namespace feedkeeper::daemon
