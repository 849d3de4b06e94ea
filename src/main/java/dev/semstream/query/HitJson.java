package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.store.SearchHit;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/** Hits and local answers to and from JSON, as the API returns them and instances exchange them. */
final class HitJson {
    private HitJson() {
    }

    static ArrayNode write(List<SearchHit> hits) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (SearchHit h : hits) {
            ObjectNode o = array.addObject();
            o.put("id", h.id());
            o.put("score", h.score());
            o.put("text", h.text());
            ObjectNode metadata = o.putObject("metadata");
            h.metadata().forEach(metadata::put);
            o.put("modelId", h.modelId());
            if (h.vector() != null) {
                Json.putFloats(o, "vector", h.vector());
            }
        }
        return array;
    }

    static List<SearchHit> read(JsonNode array) {
        List<SearchHit> hits = new ArrayList<>();
        for (JsonNode o : array) {
            hits.add(new SearchHit(o.get("id").asText(), (float) o.get("score").asDouble(), o.get("modelId").asText(),
                    Json.strings(o, "metadata"), o.path("text").asText(null), Json.floats(o, "vector")));
        }
        return hits;
    }

    static ObjectNode write(LocalAnswer answer) {
        ObjectNode o = Json.newObject();
        o.put("instance", answer.instance());
        o.set("hits", write(answer.hits()));
        answer.partitions().forEach(o.putArray("partitions")::add);
        answer.stalePartitions().forEach(o.putArray("stalePartitions")::add);
        return o;
    }

    static LocalAnswer readAnswer(JsonNode o) {
        return new LocalAnswer(o.get("instance").asText(), read(o.get("hits")), ints(o.get("partitions")),
                ints(o.get("stalePartitions")));
    }

    private static SortedSet<Integer> ints(JsonNode array) {
        SortedSet<Integer> out = new TreeSet<>();
        if (array != null) {
            array.forEach(n -> out.add(n.asInt()));
        }
        return out;
    }
}
