package io.mlserve.tribuo;

import com.oracle.labs.mlrg.olcut.provenance.ListProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import org.tribuo.Dataset;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.common.tree.AbstractCARTTrainer;
import org.tribuo.dataset.DatasetView;
import org.tribuo.ensemble.BaggingTrainer;
import org.tribuo.ensemble.EnsembleCombiner;
import org.tribuo.ensemble.EnsembleModel;
import org.tribuo.ensemble.WeightedEnsembleModel;
import org.tribuo.provenance.EnsembleModelProvenance;
import org.tribuo.provenance.TrainerProvenance;

/**
 * Tribuo's {@link BaggingTrainer} for presorted CART trees ({@link PresortedCARTClassificationTrainer},
 * {@link PresortedCARTRegressionTrainer}): a random forest when the trees sample features, plain
 * bagged trees otherwise. It makes the same bootstrap samples, member seeds and invocation counts, hence
 * the same members as Tribuo's trainer, and the same {@link WeightedEnsembleModel}; two things differ:
 * <ul>
 *   <li>the training rows are sorted once for the forest, and each bootstrap sample's sorted columns are
 *       derived from them in linear time instead of being sorted again;</li>
 *   <li>members train in parallel, one per available processor (Lambda: 2 vCPUs at 3 GB). Each member
 *       seeds its tree from its own invocation count, so the ensemble does not depend on the scheduling.</li>
 * </ul>
 *
 * @param <T> Label or Regressor
 */
public final class PresortedBaggingTrainer<T extends Output<T>> extends BaggingTrainer<T> {

    private final int threads;

    /**
     * Creates the trainer.
     *
     * @param tree the member trainer: a presorted CART trainer
     * @param combiner how member predictions combine
     * @param members number of trees
     * @param seed RNG seed of the bootstrap samples
     * @param threads members trained at once (at least 1)
     */
    public PresortedBaggingTrainer(AbstractCARTTrainer<T> tree, EnsembleCombiner<T> combiner, int members, long seed,
                                   int threads) {
        super(tree, combiner, members, seed);
        if (!(tree instanceof PresortedCARTClassificationTrainer) && !(tree instanceof PresortedCARTRegressionTrainer)) {
            throw new IllegalArgumentException("members must be presorted CART trainers, got " + tree);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
    }

    @Override
    protected String ensembleName() {
        // Tribuo's name for a forest that samples features (RandomForestTrainer) or for bagging
        return ((AbstractCARTTrainer<T>) innerTrainer).getFractionFeaturesInSplit() < 1f
                ? "random-forest-ensemble" : super.ensembleName();
    }

    @Override
    public EnsembleModel<T> train(Dataset<T> examples, Map<String, Provenance> runProvenance, int invocationCount) {
        // as BaggingTrainer.train: one RNG split per call, one int per member from it
        SplittableRandom localRNG;
        TrainerProvenance trainerProvenance;
        synchronized (this) {
            if (invocationCount != INCREMENT_INVOCATION_COUNT) {
                setInvocationCount(invocationCount);
            }
            localRNG = rng.split();
            trainerProvenance = getProvenance();
            trainInvocationCounter++;
        }
        ImmutableFeatureMap featureIDs = examples.getFeatureIDMap();
        ImmutableOutputInfo<T> outputIDs = examples.getOutputIDInfo();
        int firstInvocation = innerTrainer.getInvocationCount();
        int[] sampleSeeds = new int[numMembers];
        for (int i = 0; i < numMembers; i++) {
            sampleSeeds[i] = localRNG.nextInt();
        }
        PresortedColumns all = PresortedColumns.of(examples);

        List<Model<T>> models = new ArrayList<>(numMembers);
        try (var pool = Executors.newFixedThreadPool(Math.min(threads, numMembers), daemon())) {
            var futures = new ArrayList<Future<Model<T>>>(numMembers);
            for (int i = 0; i < numMembers; i++) {
                int member = i;
                futures.add(pool.submit(() -> {
                    var sample = DatasetView.createBootstrapView(examples, examples.size(), sampleSeeds[member],
                            featureIDs, outputIDs);
                    var columns = all.bootstrap(sample.getExampleIndices());
                    return PresortedColumns.prepared(sample, columns,
                            () -> innerTrainer.train(sample, runProvenance, firstInvocation + member));
                }));
            }
            for (var future : futures) {
                models.add(future.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while training the ensemble", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
        // where Tribuo's sequential loop leaves it, so a next train() starts from the same count
        innerTrainer.setInvocationCount(firstInvocation + numMembers);

        var provenance = new EnsembleModelProvenance(WeightedEnsembleModel.class.getName(), OffsetDateTime.now(),
                examples.getProvenance(), trainerProvenance, runProvenance, ListProvenance.createListProvenance(models));
        return new WeightedEnsembleModel<>(ensembleName(), provenance, featureIDs, outputIDs, models, combiner);
    }

    private static ThreadFactory daemon() {
        return runnable -> {
            Thread thread = new Thread(runnable, "presorted-bagging");
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public String toString() {
        return "PresortedBaggingTrainer(innerTrainer=" + innerTrainer + ",combiner=" + combiner + ",numMembers="
                + numMembers + ",seed=" + seed + ",threads=" + threads + ")";
    }
}
