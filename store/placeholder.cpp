// store/placeholder.cpp — replaced by the archive.
