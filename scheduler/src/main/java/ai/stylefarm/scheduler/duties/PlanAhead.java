package ai.stylefarm.scheduler.duties;

import ai.stylefarm.domain.store.JobRow;
import ai.stylefarm.domain.store.Jobs;
import ai.stylefarm.domain.store.Tasks;
import ai.stylefarm.domain.store.Transactions;
import ai.stylefarm.scheduler.planning.JobPlanner;
import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.Messages;
import ai.stylefarm.schemas.PlannedTask;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Creates the next window of a job's tasks when few of its planned tasks are still waiting, so that a job of any
 * size holds at most about two windows of task rows ahead of its workers, and its planning costs the same
 * milliseconds whether it has ten seeds or ten million.
 */
public final class PlanAhead implements Runnable {
    private final javax.sql.DataSource db;
    private final JobPlanner planner;
    private final int window;

    public PlanAhead(javax.sql.DataSource db, JobPlanner planner, int window) {
        this.db = db;
        this.planner = planner;
        this.window = window;
    }

    @Override
    public void run() {
        List<UUID> hungry = Transactions.inTransaction(db, c -> Jobs.needingPlan(c, window, 50));
        for (UUID id : hungry) {
            Transactions.inTransaction(db, c -> {
                Optional<JobRow> found = Jobs.lock(c, id);
                if (found.isEmpty() || found.get().state().isTerminal() || found.get().fullyPlanned()) {
                    return null;
                }
                JobRow job = found.get();
                List<PlannedTask> next = planner.plan(job.id(), JobKind.of(job.kind()),
                        Messages.mapper().readTree(job.spec()), job.tasksPlanned(), window);
                Tasks.insertPlanned(c, job.id(), next);
                Jobs.advancePlanning(c, job, job.tasksPlanned() + next.size());
                return null;
            });
        }
    }
}
