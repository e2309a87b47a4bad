package dev.lora.model.kernels;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J workspaces for repeated work (a training step, a decoding step): every temporary lives in one block
 * that is reset when the work ends. After the first round has measured it (and whenever a round needs more,
 * the block grows), the same memory is reused instead of allocating, zeroing and freeing thousands of native
 * buffers per round. Nothing made inside may outlive it: results leave as Java values or are written into
 * arrays allocated outside.
 */
public final class Workspaces {
    private static final WorkspaceConfiguration REPEATED = WorkspaceConfiguration.builder()
            .policyLearning(LearningPolicy.FIRST_LOOP).policyAllocation(AllocationPolicy.OVERALLOCATE)
            .overallocationLimit(0.1).policySpill(SpillPolicy.REALLOCATE).policyReset(ResetPolicy.BLOCK_LEFT).build();

    private Workspaces() {
    }

    /** Opens (and activates) the workspace {@code id} for one round; close it when the round ends. */
    public static MemoryWorkspace open(String id) {
        return Nd4j.getWorkspaceManager().getAndActivateWorkspace(REPEATED, id);
    }

    /** The workspace new arrays go to now, or null outside any. */
    public static MemoryWorkspace current() {
        return Nd4j.getMemoryManager().getCurrentWorkspace();
    }

    /**
     * Makes {@code outer} (from {@link #current()}, maybe null) where new arrays go until closed, from inside a
     * workspace opened since: for a result that must outlive the scratch its inputs were made in.
     */
    public static MemoryWorkspace borrow(MemoryWorkspace outer) {
        return outer == null ? Nd4j.getWorkspaceManager().scopeOutOfWorkspaces() : outer.notifyScopeBorrowed();
    }
}
