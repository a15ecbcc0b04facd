// tests/fuzz/replay_main.cpp — a main for fuzz targets built without libFuzzer: runs
// LLVMFuzzerTestOneInput on every file under the directories (or files) named on the command
// line, so CTest replays the committed corpus in every build, the sanitizer build included.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void replay(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

} // namespace

int main(int argc, char** argv)
{
    std::size_t count = 0;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path path(argv[i]);
        if (std::filesystem::is_directory(path)) {
            for (const auto& item : std::filesystem::recursive_directory_iterator(path))
                if (item.is_regular_file())
                    replay(item.path()), ++count;
        } else if (std::filesystem::is_regular_file(path)) {
            replay(path), ++count;
        } else {
            std::cerr << argv[0] << ": no such corpus: " << path << '\n';
            return 1;
        }
    }
    std::cout << argv[0] << ": replayed " << count << " inputs\n";
    return count > 0 ? 0 : 1;
}
