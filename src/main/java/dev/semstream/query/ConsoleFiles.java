package dev.semstream.query;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The web console's static files: the page ({@code /}), its stylesheet and scripts ({@code /console/<file>}),
 * and ECharts from its WebJar ({@code /webjars/echarts/<file>}). Only the files named here are served, each
 * by an exact path, so no request path reaches the class path (no traversal, no other resource); anything
 * else under these prefixes is the API's JSON 404. All are read once at startup: a jar that lacks one fails
 * then, not when a browser first asks.
 */
final class ConsoleFiles {
    private static final String PAGE_DIRECTORY = "console/";
    /** The page's own files, under {@code dev/semstream/query/console/}. */
    static final List<String> FILES = List.of("index.html", "console.css", "console.js", "search.js", "feed.js",
            "map.js", "generator.js", "model.js", "status.js");
    private static final String WEBJAR = "META-INF/resources/webjars/echarts/";
    private static final String WEBJAR_VERSION = "META-INF/maven/org.webjars.npm/echarts/pom.properties";
    /** What the page loads from the WebJar; the URL leaves out the version, which the jar's metadata gives. */
    static final List<String> ECHARTS_FILES = List.of("dist/echarts.min.js");
    static final String PAGE_PREFIX = "/console/";
    static final String ECHARTS_PREFIX = "/webjars/echarts/";

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8");

    private final Map<String, ApiReply> replies;

    private ConsoleFiles(Map<String, ApiReply> replies) {
        this.replies = replies;
    }

    /** Reads every file from the class path. */
    static ConsoleFiles load() {
        Map<String, ApiReply> replies = new LinkedHashMap<>();
        ClassLoader loader = ConsoleFiles.class.getClassLoader();
        String pageDirectory = ConsoleFiles.class.getPackageName().replace('.', '/') + "/" + PAGE_DIRECTORY;
        for (String file : FILES) {
            replies.put(PAGE_PREFIX + file, reply(file, read(loader, pageDirectory + file)));
        }
        replies.put("/", replies.get(PAGE_PREFIX + "index.html"));
        String echarts = WEBJAR + webjarVersion(loader) + "/";
        for (String file : ECHARTS_FILES) {
            replies.put(ECHARTS_PREFIX + file, reply(file, read(loader, echarts + file)));
        }
        return new ConsoleFiles(Map.copyOf(replies));
    }

    /** Whether the path is one of the console's files: they are open like the page, without the API token. */
    static boolean isFile(String rawPath) {
        return rawPath.equals("/")
                || rawPath.startsWith(PAGE_PREFIX) && FILES.contains(rawPath.substring(PAGE_PREFIX.length()))
                || rawPath.startsWith(ECHARTS_PREFIX) && ECHARTS_FILES.contains(rawPath.substring(ECHARTS_PREFIX.length()));
    }

    /** Whether the route belongs here: the page, or a path under the console's or the WebJar's prefix. */
    static boolean claims(String rawPath) {
        return rawPath.equals("/") || rawPath.startsWith(PAGE_PREFIX) || rawPath.startsWith("/webjars/");
    }

    /**
     * @throws ApiException 404 for a path that is not one of the files, 405 for a method other than GET
     */
    ApiReply reply(ApiRequest request) {
        ApiReply reply = replies.get(request.rawPath());
        if (reply == null) {
            throw ApiException.notFound("no such file: " + request.rawPath() + "; the console serves "
                    + PAGE_PREFIX + "{" + String.join(",", FILES) + "} and " + ECHARTS_PREFIX + String.join(",", ECHARTS_FILES));
        }
        request.requireMethod("GET");
        return reply;
    }

    private static ApiReply reply(String file, byte[] body) {
        String type = TYPES.get(file.substring(file.lastIndexOf('.') + 1));
        if (type == null) {
            throw new IllegalStateException("no content type for the console file " + file);
        }
        return new ApiReply(200, type, body, Map.of());
    }

    private static String webjarVersion(ClassLoader loader) {
        Properties properties = new Properties();
        try (InputStream in = loader.getResourceAsStream(WEBJAR_VERSION)) {
            if (in == null) {
                throw new IllegalStateException("the ECharts WebJar (" + WEBJAR_VERSION + ") is missing from the class path");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return properties.getProperty("version");
    }

    private static byte[] read(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the console file " + resource + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
