// Experiment for issue 27 (not part of the build): subsets a font to the characters of a UTF-8 file with
// libharfbuzz-subset, passing BASE through. gcc -O2 scripts/font-subset-experiment.c -o subset $(pkg-config --cflags --libs harfbuzz-subset)
// Usage: subset IN.ttf OUT.ttf CHARS.txt 32   (32 = HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED)
#include <hb.h>
#include <hb-subset.h>
#include <stdio.h>
#include <stdlib.h>
// subset IN OUT CHARSFILE(utf-8)
int main(int argc, char **argv) {
  hb_blob_t *blob = hb_blob_create_from_file_or_fail(argv[1]);
  hb_face_t *face = hb_face_create(blob, 0);
  hb_subset_input_t *in = hb_subset_input_create_or_fail();
  FILE *f = fopen(argv[3], "rb"); fseek(f, 0, SEEK_END); long n = ftell(f); rewind(f);
  char *buf = malloc(n); fread(buf, 1, n, f);
  hb_buffer_t *b = hb_buffer_create(); hb_buffer_add_utf8(b, buf, n, 0, n);
  unsigned len; hb_glyph_info_t *gi = hb_buffer_get_glyph_infos(b, &len);
  hb_set_t *u = hb_subset_input_unicode_set(in);
  for (unsigned i = 0; i < len; i++) hb_set_add(u, gi[i].codepoint);
  hb_set_del(hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG), HB_TAG('B','A','S','E'));
  if (argc > 4) hb_subset_input_set_flags(in, atoi(argv[4]));
  hb_face_t *out = hb_subset_or_fail(face, in);
  if (!out) { fprintf(stderr, "fail\n"); return 1; }
  hb_blob_t *ob = hb_face_reference_blob(out);
  unsigned ol; const char *od = hb_blob_get_data(ob, &ol);
  FILE *o = fopen(argv[2], "wb"); fwrite(od, 1, ol, o); fclose(o);
  fprintf(stderr, "%u codepoints, %u bytes\n", hb_set_get_population(u), ol);
  return 0;
}
