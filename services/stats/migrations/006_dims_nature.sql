-- 建设性质 of each project: a 单纯购置 project starts when its equipment is delivered (DOMAIN §3), which its 入库
-- (on proof of delivery) stands for when no start date is given.
ALTER TABLE stats.project_dims ADD COLUMN construction_nature integer NOT NULL DEFAULT 0;
