// fetch/placeholder.cpp — replaced by the libcurl engine.
