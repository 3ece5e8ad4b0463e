package ai.stylefarm.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SeedsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0-99999       | 0-99999  | 100000",
            "1,5,9-12      | 1,5,9-12 | 6",
            "' 3 , 1 - 2 ' | 1-3      | 3",
            "9-12,1,5      | 1,5,9-12 | 6",
            "1-10,5-15,16  | 1-16     | 16",
            "7,7,7         | 7        | 1",
            "007           | 7        | 1",
            "0             | 0        | 1",
            "4294967295    | 4294967295 | 1",
            "4294967290-4294967295 | 4294967290-4294967295 | 6"})
    void parsesAndNormalises(String text, String compact, int count) {
        Seeds seeds = Seeds.parse(text);
        assertEquals(compact, seeds.toString());
        assertEquals(count, seeds.count());
        assertEquals(seeds, Seeds.parse(seeds.toString()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''            | must not be empty",
            "'  '          | must not be empty",
            "1,,2          | empty entry",
            "1,            | empty entry",
            "-5            | negative",
            "3--5          | negative",
            "10-5          | range 10-5 is reversed",
            "4294967296    | above 4294967295",
            "0-4294967296  | above 4294967295",
            "99999999999999999999999 | above 4294967295",
            "abc           | neither a seed nor a range",
            "1.5           | neither a seed nor a range",
            "1-2-3         | neither a seed nor a range",
            "+4            | neither a seed nor a range",
            "0-10000000    | more than 10000000"})
    void rejectsWithAReadableMessage(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Seeds.parse(text));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void acceptsExactlyTheLimitOfSeeds() {
        assertEquals(Seeds.MAX_COUNT, Seeds.parse("0-" + (Seeds.MAX_COUNT - 1)).count());
    }

    @Test
    void limitsTheNumberOfEntries() {
        String tooMany = String.join(",", java.util.Collections.nCopies(Seeds.MAX_PARTS + 1, "1"));
        assertThrows(IllegalArgumentException.class, () -> Seeds.parse(tooMany));
    }

    @Test
    void buildsFromAList() {
        assertEquals("1-3,10", Seeds.of(List.of(10L, 2L, 1L, 3L, 2L)).toString());
        assertThrows(IllegalArgumentException.class, () -> Seeds.of(List.of()));
        assertThrows(IllegalArgumentException.class, () -> Seeds.of(List.of(-1L)));
        assertThrows(IllegalArgumentException.class, () -> Seeds.of(List.of(1L << 32)));
        assertThrows(IllegalArgumentException.class, () -> Seeds.range(5, 4));
    }

    @Test
    void streamsEverySeedInOrder() {
        assertArrayEquals(new long[] {1, 5, 9, 10, 11, 12}, Seeds.parse("9-12,1,5").stream().toArray());
    }

    @Test
    void cutsIntoChunksAcrossRanges() {
        Seeds seeds = Seeds.parse("0-4,10,20-23");

        assertEquals(3, seeds.chunkCount(4));
        assertEquals(List.of("0-3", "4,10,20-21", "22-23"),
                java.util.stream.IntStream.range(0, 3).mapToObj(i -> seeds.chunk(i, 4).toString()).toList());
        assertEquals(Seeds.parse("0-9"), Seeds.parse("0-9").chunk(0, 10));
        assertEquals(25, Seeds.parse("0-99999").chunkCount(4096));
        assertEquals(Seeds.parse("98304-99999"), Seeds.parse("0-99999").chunk(24, 4096));
        assertThrows(IllegalArgumentException.class, () -> Seeds.parse("1").chunkCount(0));
        assertThrows(IndexOutOfBoundsException.class, () -> seeds.chunk(3, 4));
    }

    @Test
    void chunksOfTenMillionSeedsAreMadeOneAtATime() {
        Seeds seeds = Seeds.parse("0-9999999");
        assertEquals(156_250, seeds.chunkCount(64));
        assertEquals(Seeds.parse("9999936-9999999"), seeds.chunk(156_249, 64));
    }

    @Test
    void readsStringOrListFromJson() throws Exception {
        var mapper = Messages.mapper();
        assertEquals(Seeds.parse("1-3"), mapper.readValue("\"1-3\"", Seeds.class));
        assertEquals(Seeds.parse("1-3"), mapper.readValue("[3, 1, 2]", Seeds.class));
        assertEquals("\"1-3\"", mapper.writeValueAsString(Seeds.parse("3,2,1")));
        assertThrows(Exception.class, () -> mapper.readValue("[1.5]", Seeds.class));
        assertThrows(Exception.class, () -> mapper.readValue("{}", Seeds.class));
    }
}
