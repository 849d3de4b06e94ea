package dev.semstream.train;

import dev.semstream.kernels.Epilogue;
import dev.semstream.kernels.Kernels;
import dev.semstream.model.GptConfig;
import dev.semstream.model.GptWeights;
import dev.semstream.model.Linear;
import dev.semstream.model.Norm;
import dev.semstream.model.load.GptParameters;
import dev.semstream.model.load.ModelParameter;
import dev.semstream.train.StepProfile.Op;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A GPT-2 decoder that learns: the same network as {@link dev.semstream.model.GptModel} (pre-LN blocks, tanh GELU,
 * the head tied to wte), with a forward pass that saves its activations and a backward pass that adds the
 * gradient of the mean next-token cross-entropy into every {@link Parameter}. Each op's forward and backward
 * lives in its own class ({@link EmbeddingOp}, {@link LayerNormOp}, {@link DenseOp}, {@link CausalAttentionOp},
 * {@link GeluOp}, {@link TiedHeadLossOp}); this class chains them, like nanoGPT's {@code GPT.forward} followed by
 * {@code loss.backward()}.
 *
 * <p>Every op runs on all cores through {@code Parallel}, and each output element is computed by one task in a
 * fixed order, so a step's loss and gradients are the same bits on every run, whichever thread ran what. The
 * activations are kept in an {@link Activations} sized for the largest batch seen; steps allocate nothing.
 *
 * <p>Not thread-safe: one training loop drives a model.
 */
public final class TrainableGpt {
    private final GptConfig config;
    private final Kernels kernels;
    private final GptWeights weights;
    private final List<Parameter> parameters;
    private final float[] wteGrad;
    private final float[] wpeGrad;
    private final List<Block> blocks;
    private final Norm finalNorm;
    private final Norm finalNormGrad;
    private final TiedHeadLossOp head;
    private final CausalAttentionOp attention;
    private final GradientScratch scratch;
    private final StepProfile profile = new StepProfile();
    private Activations activations;

    /** One block's ops and its norms' parameters with their gradients. */
    private record Block(Norm norm1, Norm norm1Grad, DenseOp qkv, DenseOp projection, Norm norm2, Norm norm2Grad,
                         DenseOp up, DenseOp down) {
    }

    private TrainableGpt(GptConfig config, GptWeights weights, Kernels kernels) {
        weights.validate(config);
        this.config = config;
        this.kernels = kernels;
        this.weights = weights;
        // One gradient array per value array, found by identity so the list follows GptParameters' order and names.
        Map<float[], float[]> grads = new HashMap<>();
        List<Parameter> list = new ArrayList<>();
        for (ModelParameter<GptWeights> p : GptParameters.of(config)) {
            float[] value = p.values().apply(weights);
            float[] grad = new float[value.length];
            grads.put(value, grad);
            list.add(new Parameter(p.name(), value, grad, p.shape().length == 2));
        }
        this.parameters = List.copyOf(list);
        int d = config.dim();
        this.wteGrad = grads.get(weights.tokenEmbeddings());
        this.wpeGrad = grads.get(weights.positionEmbeddings());
        List<Block> b = new ArrayList<>();
        for (GptWeights.Layer l : weights.layers()) {
            b.add(new Block(l.attentionNorm(), gradOf(l.attentionNorm(), grads), dense(l.qkv(), grads),
                    dense(l.attentionProjection(), grads), l.mlpNorm(), gradOf(l.mlpNorm(), grads),
                    dense(l.mlpUp(), grads), dense(l.mlpDown(), grads)));
        }
        this.blocks = List.copyOf(b);
        this.finalNorm = weights.finalNorm();
        this.finalNormGrad = gradOf(finalNorm, grads);
        this.head = new TiedHeadLossOp(kernels, weights.tokenEmbeddings(), wteGrad, config.vocabSize(), d);
        this.attention = new CausalAttentionOp(kernels, config.heads(), config.headSize());
        this.scratch = new GradientScratch(kernels);
    }

    /**
     * GPT-2's initialisation, deterministic in the seed: every weight and both embeddings normal with std 0.02,
     * the two projections onto the residual stream (attn.c_proj, mlp.c_proj) with 0.02 / sqrt(2 layers) so the
     * stream's variance does not grow with depth, biases 0, layer norms gamma 1 and beta 0.
     */
    public static TrainableGpt initialised(GptConfig config, long seed) {
        int d = config.dim();
        SplittableRandom random = new SplittableRandom(seed);
        double residualStd = 0.02 / Math.sqrt(2.0 * config.layers());
        List<GptWeights.Layer> layers = new ArrayList<>();
        float[] wte = normal(random, config.vocabSize() * d, 0.02);
        float[] wpe = normal(random, config.contextLength() * d, 0.02);
        for (int i = 0; i < config.layers(); i++) {
            layers.add(new GptWeights.Layer(unitNorm(d),
                    new Linear(normal(random, d * 3 * d, 0.02), new float[3 * d], d, 3 * d),
                    new Linear(normal(random, d * d, residualStd), new float[d], d, d),
                    unitNorm(d),
                    new Linear(normal(random, d * config.mlpDim(), 0.02), new float[config.mlpDim()], d,
                            config.mlpDim()),
                    new Linear(normal(random, config.mlpDim() * d, residualStd), new float[d], config.mlpDim(), d)));
        }
        return new TrainableGpt(config, new GptWeights(wte, wpe, layers, unitNorm(d)), Kernels.best());
    }

    /** A model starting from these weights, copied (the caller's stay as they are): for fine-tuning. */
    public static TrainableGpt of(GptConfig config, GptWeights weights) {
        weights.validate(config);
        List<GptWeights.Layer> layers = new ArrayList<>();
        for (GptWeights.Layer l : weights.layers()) {
            layers.add(new GptWeights.Layer(copy(l.attentionNorm()), copy(l.qkv()), copy(l.attentionProjection()),
                    copy(l.mlpNorm()), copy(l.mlpUp()), copy(l.mlpDown())));
        }
        return new TrainableGpt(config, new GptWeights(weights.tokenEmbeddings().clone(),
                weights.positionEmbeddings().clone(), layers, copy(weights.finalNorm())), Kernels.best());
    }

    public GptConfig config() {
        return config;
    }

    /** Every tensor in GptParameters order; the value arrays are the model's own, live. */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** The live values as GptWeights, for HfGpt2Checkpoint.write and GptModel (which packs its own copy). */
    public GptWeights weights() {
        return weights;
    }

    /** Time per op of the steps since the profile's last reset. */
    public StepProfile profile() {
        return profile;
    }

    public void zeroGradients() {
        for (Parameter p : parameters) {
            java.util.Arrays.fill(p.grad(), 0f);
        }
    }

    /**
     * inputs/targets: batch x seqLen token ids (targets = inputs shifted by one). Adds {@code gradScale * d(mean
     * loss)/d(param)} into every Parameter.grad and returns the batch's mean cross-entropy in nats. Bit-identical
     * run to run, whichever thread runs which task.
     */
    public float forwardBackward(int[] inputs, int[] targets, int batch, int seqLen, float gradScale) {
        checkIds(targets, batch * seqLen, "target");
        Activations a = forward(inputs, batch, seqLen, true);
        int rows = batch * seqLen;
        int d = config.dim();
        long t0 = System.nanoTime();
        // Head and loss: dlogits, then the gradient of the final norm's output (narrowGrad), and dwte's head share.
        head.run(a.finalNorm, targets, rows, a.rowLoss, gradScale, a.narrowGrad, scratch);
        profile.add(Op.HEAD_AND_LOSS, t0);
        t0 = System.nanoTime();
        // x = ln_f(x): the residual stream's gradient starts as ln_f's input gradient.
        java.util.Arrays.fill(a.residualGrad, 0, rows * d, 0f);
        LayerNormOp.backward(a.narrowGrad, a.finalXhat, a.finalRstd, rows, d, finalNorm.gamma(), a.residualGrad,
                finalNormGrad.gamma(), finalNormGrad.beta());
        profile.add(Op.NORM, t0);
        for (int l = blocks.size() - 1; l >= 0; l--) {
            Block b = blocks.get(l);
            // x = x + mlp(ln_2(x)): the residual passes the gradient through unchanged, and the branch adds to it.
            t0 = System.nanoTime();
            b.down().backward(a.hidden[l], a.residualGrad, rows, a.hiddenGrad, scratch);
            profile.add(Op.GEMM_BACKWARD, t0);
            t0 = System.nanoTime();
            GeluOp.backward(kernels, a.hiddenPre[l], a.hiddenGrad, rows, config.mlpDim());
            profile.add(Op.GELU, t0);
            t0 = System.nanoTime();
            b.up().backward(a.norm2[l], a.hiddenGrad, rows, a.narrowGrad, scratch);
            profile.add(Op.GEMM_BACKWARD, t0);
            t0 = System.nanoTime();
            LayerNormOp.backward(a.narrowGrad, a.xhat2[l], a.rstd2[l], rows, d, b.norm2().gamma(), a.residualGrad,
                    b.norm2Grad().gamma(), b.norm2Grad().beta());
            profile.add(Op.NORM, t0);
            // x = x + attn(ln_1(x)), the same way.
            t0 = System.nanoTime();
            b.projection().backward(a.context[l], a.residualGrad, rows, a.narrowGrad, scratch);
            profile.add(Op.GEMM_BACKWARD, t0);
            t0 = System.nanoTime();
            attention.backward(a.qkv[l], a.probabilities[l], a.narrowGrad, batch, seqLen, a.qkvGrad);
            profile.add(Op.ATTENTION_BACKWARD, t0);
            t0 = System.nanoTime();
            b.qkv().backward(a.norm1[l], a.qkvGrad, rows, a.narrowGrad, scratch);
            profile.add(Op.GEMM_BACKWARD, t0);
            t0 = System.nanoTime();
            LayerNormOp.backward(a.narrowGrad, a.xhat1[l], a.rstd1[l], rows, d, b.norm1().gamma(), a.residualGrad,
                    b.norm1Grad().gamma(), b.norm1Grad().beta());
            profile.add(Op.NORM, t0);
        }
        // x = wte(idx) + wpe(pos)
        t0 = System.nanoTime();
        EmbeddingOp.backward(a.residualGrad, inputs, rows, seqLen, d, wteGrad, wpeGrad);
        profile.add(Op.EMBEDDING, t0);
        return meanLoss(a.rowLoss, rows);
    }

    /** The batch's mean cross-entropy in nats, forward only; gradients untouched. */
    public float loss(int[] inputs, int[] targets, int batch, int seqLen) {
        checkIds(targets, batch * seqLen, "target");
        Activations a = forward(inputs, batch, seqLen, false);
        int rows = batch * seqLen;
        long t0 = System.nanoTime();
        head.run(a.finalNorm, targets, rows, a.rowLoss, 0f, null, scratch);
        profile.add(Op.HEAD_AND_LOSS, t0);
        return meanLoss(a.rowLoss, rows);
    }

    /** The logits after every position, [batch x seqLen][vocab]; allocates, for tests and evaluation. */
    public float[] logits(int[] inputs, int batch, int seqLen) {
        Activations a = forward(inputs, batch, seqLen, false);
        return head.logits(a.finalNorm, batch * seqLen);
    }

    /** The rows' losses summed in order, in double so the mean does not depend on float rounding order. */
    private static float meanLoss(float[] rowLoss, int rows) {
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            sum += rowLoss[r];
        }
        return (float) (sum / rows);
    }

    private Activations forward(int[] inputs, int batch, int seqLen, boolean backwardToo) {
        check(inputs, batch, seqLen);
        int rows = batch * seqLen;
        int d = config.dim();
        Activations a = activations(rows, CausalAttentionOp.probabilitiesSize(batch, seqLen, config.heads()));
        long t0 = System.nanoTime();
        for (Block b : blocks) {
            b.qkv().pack(backwardToo);
            b.projection().pack(backwardToo);
            b.up().pack(backwardToo);
            b.down().pack(backwardToo);
        }
        head.pack(backwardToo);
        profile.add(Op.PACK, t0);
        t0 = System.nanoTime();
        EmbeddingOp.forward(weights.tokenEmbeddings(), weights.positionEmbeddings(), inputs, rows, seqLen, d,
                a.residual[0]);
        profile.add(Op.EMBEDDING, t0);
        for (int l = 0; l < blocks.size(); l++) {
            Block b = blocks.get(l);
            // x = x + attn(ln_1(x))
            t0 = System.nanoTime();
            LayerNormOp.forward(a.residual[l], rows, d, b.norm1().gamma(), b.norm1().beta(), config.layerNormEps(),
                    a.norm1[l], a.xhat1[l], a.rstd1[l]);
            profile.add(Op.NORM, t0);
            t0 = System.nanoTime();
            b.qkv().forward(a.norm1[l], rows, a.qkv[l], Epilogue.STORE);
            profile.add(Op.GEMM_FORWARD, t0);
            t0 = System.nanoTime();
            attention.forward(a.qkv[l], batch, seqLen, a.probabilities[l], a.context[l]);
            profile.add(Op.ATTENTION_FORWARD, t0);
            t0 = System.nanoTime();
            System.arraycopy(a.residual[l], 0, a.middle[l], 0, rows * d);
            b.projection().forward(a.context[l], rows, a.middle[l], Epilogue.ACCUMULATE);
            profile.add(Op.GEMM_FORWARD, t0);
            // x = x + mlp(ln_2(x)), mlp = c_proj(gelu(c_fc(x)))
            t0 = System.nanoTime();
            LayerNormOp.forward(a.middle[l], rows, d, b.norm2().gamma(), b.norm2().beta(), config.layerNormEps(),
                    a.norm2[l], a.xhat2[l], a.rstd2[l]);
            profile.add(Op.NORM, t0);
            t0 = System.nanoTime();
            b.up().forward(a.norm2[l], rows, a.hiddenPre[l], Epilogue.STORE);
            profile.add(Op.GEMM_FORWARD, t0);
            t0 = System.nanoTime();
            GeluOp.forward(kernels, a.hiddenPre[l], a.hidden[l], rows, config.mlpDim());
            profile.add(Op.GELU, t0);
            t0 = System.nanoTime();
            System.arraycopy(a.middle[l], 0, a.residual[l + 1], 0, rows * d);
            b.down().forward(a.hidden[l], rows, a.residual[l + 1], Epilogue.ACCUMULATE);
            profile.add(Op.GEMM_FORWARD, t0);
        }
        // x = ln_f(x)
        t0 = System.nanoTime();
        LayerNormOp.forward(a.residual[blocks.size()], rows, d, finalNorm.gamma(), finalNorm.beta(),
                config.layerNormEps(), a.finalNorm, a.finalXhat, a.finalRstd);
        profile.add(Op.NORM, t0);
        return a;
    }

    private Activations activations(int rows, long probabilities) {
        if (activations == null || !activations.fits(rows, probabilities)) {
            activations = null; // let the smaller set go before the larger one is allocated
            activations = new Activations(config, rows, probabilities);
        }
        return activations;
    }

    private void check(int[] inputs, int batch, int seqLen) {
        if (batch <= 0 || seqLen <= 0 || seqLen > config.contextLength()) {
            throw new IllegalArgumentException("batch " + batch + " x seqLen " + seqLen + " for a context of "
                    + config.contextLength());
        }
        checkIds(inputs, batch * seqLen, "input");
    }

    private void checkIds(int[] ids, int rows, String what) {
        if (ids.length < rows) {
            throw new IllegalArgumentException(ids.length + " " + what + " ids for " + rows + " positions");
        }
        for (int r = 0; r < rows; r++) {
            if (ids[r] < 0 || ids[r] >= config.vocabSize()) {
                throw new IllegalArgumentException(what + " id " + ids[r] + " is outside the vocabulary of "
                        + config.vocabSize());
            }
        }
    }

    private DenseOp dense(Linear l, Map<float[], float[]> grads) {
        return new DenseOp(kernels, l.weight(), l.bias(), grads.get(l.weight()), grads.get(l.bias()), l.in(), l.out());
    }

    private static Norm gradOf(Norm n, Map<float[], float[]> grads) {
        return new Norm(grads.get(n.gamma()), grads.get(n.beta()));
    }

    private static float[] normal(SplittableRandom random, int n, double std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (random.nextGaussian() * std);
        }
        return a;
    }

    private static Norm unitNorm(int d) {
        float[] gamma = new float[d];
        java.util.Arrays.fill(gamma, 1f);
        return new Norm(gamma, new float[d]);
    }

    private static Norm copy(Norm n) {
        return new Norm(n.gamma().clone(), n.beta().clone());
    }

    private static Linear copy(Linear l) {
        return new Linear(l.weight().clone(), l.bias() == null ? new float[l.out()] : l.bias().clone(), l.in(), l.out());
    }
}
