// The fuzz targets entry points are in fuzz_main.c; nothing is exported to Swift.
