package dev.semstream.model.load;

/**
 * The parts of a ModelProto the loader uses.
 *
 * @param irVersion       ONNX IR version of the file
 * @param producerName    e.g. "pytorch"
 * @param producerVersion e.g. "2.0.1"
 * @param opsetVersion    version of the default ("" / "ai.onnx") operator set, 0 if the file names none
 * @param graph           the main graph
 */
public record OnnxModel(long irVersion, String producerName, String producerVersion, long opsetVersion,
                        OnnxGraph graph) {
}
